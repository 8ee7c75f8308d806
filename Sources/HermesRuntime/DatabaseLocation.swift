import Foundation

/// Where the session database is: the given path, else `HERMES_DB`, else
/// `$HERMES_HOME/state.db` (`~/.hermes/state.db`, where the Python project keeps it).
public enum DatabaseLocation {
    /// The path of the database; `explicit` (a flag or a settings file) wins, with `~` expanded
    /// since no shell expanded it.
    public static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit { return (explicit as NSString).expandingTildeInPath }
        if let path = environment["HERMES_DB"], !path.isEmpty { return path }
        return HermesHome.unprofiled(environment).database
    }
}
