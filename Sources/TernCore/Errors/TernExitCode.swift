/// Process exit codes with a fixed meaning, so scripts can branch on them.
public enum TernExitCode: Int32, Sendable, Codable, CaseIterable {
    /// Everything asked for was done and every check passed.
    case success = 0
    /// The run worked but found failures or differences (failed checks, missing documents, no possible strategy).
    case failure = 1
    /// The command line or the configuration is wrong.
    case usage = 2
    /// A cluster could not be reached, did not speak the expected protocol, or refused the credentials.
    case unreachable = 3
}
