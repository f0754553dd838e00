#include <libewf.h>
