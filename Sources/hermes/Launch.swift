import Foundation
import HermesConfig
import HermesCore
import HermesRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// What `hermes` does before it reads its command line, as the Python project's `hermes` does:
/// takes `-p/--profile NAME` from anywhere in it (else the root's `active_profile`) and points
/// `HERMES_HOME` at that profile, then loads `$HERMES_HOME/.env` into the environment over what
/// the shell exported (Python loads it with override). Both happen once, before any thread or
/// child process starts, so every command, tool and subprocess sees the same home and secrets.
enum Launch {
    /// The command line without the profile flag, once the home and its `.env` are in place.
    static func prepare(_ arguments: [String]) throws(ConfigError) -> [String] {
        let (profile, rest) = HermesHome.profileFlag(in: arguments)
        let environment = ProcessInfo.processInfo.environment
        let home = try HermesHome.resolve(profile: profile, environment: environment)
        if home != HermesHome.unprofiled(environment) { setenv("HERMES_HOME", home.path, 1) }
        loadEnvironmentFile(home.envFile)
        return rest
    }

    /// Sets the variables of the `.env` at `path`, if there is one. A line that cannot be read
    /// is reported with its number and skipped, as python-dotenv skips it; non-ASCII characters
    /// in a key or token are dropped with a warning, as Python drops them (a header cannot
    /// carry them, and they come from copying a key out of a PDF).
    static func loadEnvironmentFile(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self).replacing("\u{0}", with: "")
        let file = DotEnv(parsing: text, environment: ProcessInfo.processInfo.environment)
        for (line, message) in file.problems {
            Terminal.error("hermes: \(path):\(line): \(message); the line is ignored\n")
        }
        for (key, value) in file.values {
            var value = value
            if ["_API_KEY", "_TOKEN", "_SECRET", "_KEY"].contains(where: key.hasSuffix), value.unicodeScalars.contains(where: { !$0.isASCII }) {
                let dropped = value.unicodeScalars.filter { !$0.isASCII }.count
                value = String(String.UnicodeScalarView(value.unicodeScalars.filter(\.isASCII)))
                Terminal.error(
                    "hermes: \(path): \(key) contained \(dropped) non-ASCII character(s), stripped so the key can be sent as an HTTP header; copy it again from plain text if it fails\n"
                )
            }
            setenv(key, value, 1)
        }
    }
}
