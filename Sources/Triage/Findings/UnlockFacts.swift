import APFSFormat
import ImageAccess

/// What Ringo learned about one encrypted volume's keys: its keyring (hint, KEK entries) and, with credentials, the
/// unlock outcome. Holds no secret: the volume key stays in the unlocked tree, the credential is never stored.
public struct UnlockFacts: Sendable {
  /// `locked`, `unlocked`, `wrong-credentials`, `hardware-bound`, `unsupported` (report-schema.md `unlock.state`).
  public var state: String
  public var method: String?
  public var userUUID: String?
  public var hint: String?
  public var kekEntries: [String: Int]
  public var passwordRecords: Int
  public var recoveryRecords: Int
  /// Why the keys could not be read or used (hardware-bound, damaged, missing), located.
  public var problem: VolumeKeyring.Problem?
  /// Why `unsupported`, when no keyring problem says it.
  public var detail: String?

  /// Reads the keyring of a ONEKEY `volume` and, with `credential`, tries it. Returns the facts and, when unlocked,
  /// the file-system tree that reads through the volume key.
  public static func evaluate(container: APFSContainer, volume: APFSSuperblock, credential: Credential?)
    -> (UnlockFacts, FileSystemTree?)
  {
    let ring = VolumeKeyring.read(container: container, volume: volume)
    var facts = UnlockFacts(
      state: "locked", method: nil, userUUID: nil, hint: ring.hint, kekEntries: ring.kekEntries,
      passwordRecords: ring.passwordRecordCount, recoveryRecords: ring.recoveryRecordCount, problem: ring.problem)
    if let problem = ring.problem {
      facts.state = problem.kind == .hardwareBound ? "hardware-bound" : "unsupported"
      return (facts, nil)
    }
    guard let credential else { return (facts, nil) }
    guard let locked = try? FileSystemTree(container: container, volume: volume) else {
      facts.state = "unsupported"
      facts.detail = "the volume object map cannot be read"
      return (facts, nil)
    }
    // The key must also open the tree: its root node decrypts to a checksum-valid node.
    let outcome = ring.unlock(with: credential) { key in
      (try? locked.unlocked(with: key).children(of: FileSystemTree.rootDirectoryID)) != nil
    }
    switch outcome {
    case let .unlocked(key, method, user):
      facts.state = "unlocked"
      facts.method = method.rawValue
      facts.userUUID = user.description
      return (facts, locked.unlocked(with: key))
    case .wrongCredentials:
      facts.state = "wrong-credentials"
    case let .hardwareBound(problem):
      facts.state = "hardware-bound"
      facts.problem = problem
    case let .unsupported(why):
      facts.state = "unsupported"
      facts.detail = why
    }
    return (facts, nil)
  }
}
