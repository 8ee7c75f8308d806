import Foundation
import HermesConfig

/// The directory that holds a user's Hermes state, laid out as the Python project lays it out
/// (`hermes_constants.py`), so both implementations open the same files: `config.yaml`, `.env`,
/// `SOUL.md`, `state.db`, `memories/`, `skills/`, `platforms/pairing/`, and at the root
/// `active_profile` and `profiles/NAME/`.
///
/// It is `$HERMES_HOME` (taken as written: Python expands no `~` there), else `~/.hermes`. A
/// profile (`-p NAME`, `--profile NAME`, else the root's `active_profile`) makes it
/// `ROOT/profiles/NAME`.
public struct HermesHome: Sendable, Equatable {
    /// The directory.
    public let path: String
    /// `default`, the profile's name, or `custom` (a `HERMES_HOME` elsewhere), as Python's
    /// `get_active_profile_name` says.
    public let profile: String

    /// A home at `path`.
    public init(path: String, profile: String = "default") {
        self.path = path
        self.profile = profile
    }

    /// `config.yaml`.
    public var configFile: String { path + "/config.yaml" }
    /// `.env`.
    public var envFile: String { path + "/.env" }
    /// `state.db`.
    public var database: String { path + "/state.db" }

    /// The profile names Python accepts (`_PROFILE_ID_RE`).
    static let profilePattern = "[a-z0-9][a-z0-9_-]{0,63}"

    /// The home without a profile: `$HERMES_HOME` (trimmed), else `$HOME/.hermes`.
    public static func unprofiled(_ environment: [String: String]) -> HermesHome {
        if let value = environment["HERMES_HOME"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
            return HermesHome(path: value, profile: profileName(of: value, root: root(environment)))
        }
        return HermesHome(path: nativeDefault(environment))
    }

    /// The home for `profile` (a `-p` flag) or, without one, for the root's `active_profile`,
    /// as Python's `_apply_profile_override` chooses it: a `HERMES_HOME` that already points at
    /// `…/profiles/NAME` is kept as it is; `default` is the root. Fails, as Python does, on a
    /// name that is not valid or a profile that was never created, naming the fix.
    public static func resolve(profile flag: String?, environment: [String: String]) throws(ConfigError) -> HermesHome {
        let unprofiled = unprofiled(environment)
        let root = root(environment)
        var requested = flag
        var source = ConfigError.Source.flag("--profile")
        if requested == nil {
            if (unprofiled.path as NSString).deletingLastPathComponent.hasSuffix("/profiles") { return unprofiled }
            let file = root + "/active_profile"
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !name.isEmpty, name != "default" {
                    requested = name
                    source = .file(file, line: 1)
                }
            }
        }
        guard let requested else { return unprofiled }
        let name = requested.trimmingCharacters(in: .whitespaces)
        if name.lowercased() == "default" { return HermesHome(path: root) }
        let normalized = name.lowercased()
        guard normalized.wholeMatch(of: try! Regex(profilePattern)) != nil else {
            throw ConfigError(source, "Invalid profile name '\(normalized)'. Must match \(profilePattern)")
        }
        let directory = root + "/profiles/" + normalized
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(
                source, "Profile '\(normalized)' does not exist. Create it with: hermes profile create \(normalized)")
        }
        return HermesHome(path: directory, profile: normalized)
    }

    /// The directory that holds `profiles/` and `active_profile` (Python's
    /// `get_default_hermes_root`): `~/.hermes` unless `HERMES_HOME` lies elsewhere, where it is
    /// `HERMES_HOME` itself, or the directory above its `profiles/`.
    public static func root(_ environment: [String: String]) -> String {
        let native = nativeDefault(environment)
        guard let value = environment["HERMES_HOME"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return native
        }
        let resolved = (value as NSString).standardizingPath
        if resolved == native || resolved.hasPrefix(native + "/") { return native }
        let parent = (resolved as NSString).deletingLastPathComponent
        if (parent as NSString).lastPathComponent == "profiles" { return (parent as NSString).deletingLastPathComponent }
        return resolved
    }

    /// A `-p NAME`, `--profile NAME` or `--profile=NAME` in `arguments` (the first one, before
    /// any `--`), and the arguments without it, as Python reads the flag before anything else
    /// so it may stand anywhere. `-p` with a value Python would not take for a profile name is
    /// left for the command line to refuse.
    public static func profileFlag(in arguments: [String]) -> (profile: String?, rest: [String]) {
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            if argument.hasPrefix("--profile=") {
                var rest = arguments
                rest.remove(at: index)
                return (String(argument.dropFirst("--profile=".count)), rest)
            }
            if argument == "-p" || argument == "--profile", index + 1 < arguments.count {
                let value = arguments[index + 1]
                if argument == "--profile" || value.wholeMatch(of: try! Regex(profilePattern)) != nil {
                    var rest = arguments
                    rest.removeSubrange(index...(index + 1))
                    return (value, rest)
                }
            }
            index += 1
        }
        return (nil, arguments)
    }

    private static func nativeDefault(_ environment: [String: String]) -> String {
        (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.hermes"
    }

    private static func profileName(of path: String, root: String) -> String {
        let resolved = (path as NSString).standardizingPath
        if resolved == root { return "default" }
        if (resolved as NSString).deletingLastPathComponent == root + "/profiles" {
            return (resolved as NSString).lastPathComponent
        }
        return "custom"
    }
}
