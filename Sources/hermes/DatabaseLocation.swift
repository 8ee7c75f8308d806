import Foundation

/// Where the session database is: `--db`, else `HERMES_DB`, else `$HERMES_HOME/state.db`
/// (`~/.hermes/state.db`, where the Python project keeps it).
enum DatabaseLocation {
    static func resolve(_ explicit: String?) -> String {
        // A path from a settings file is not expanded by a shell.
        if let explicit { return (explicit as NSString).expandingTildeInPath }
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["HERMES_DB"], !path.isEmpty { return path }
        let home = environment["HERMES_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.hermes")
        return home + "/state.db"
    }
}
