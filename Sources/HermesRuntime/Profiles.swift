import Foundation
import HermesConfig
import HermesCore

/// The profiles under a Hermes root, made and chosen as the Python project's `hermes profile`
/// makes and chooses them (`hermes_cli/profiles.py`): `ROOT/profiles/NAME` with its own
/// directories, `.env` and `SOUL.md`, and `ROOT/active_profile` naming the one `hermes` uses
/// when no `-p` is given.
public struct Profiles: Sendable {
    /// The directory that holds `profiles/` and `active_profile`.
    public let root: String

    /// The profiles of `root`.
    public init(root: String) { self.root = root }

    /// The directories Python makes in every new profile.
    static let directories = ["memories", "sessions", "skills", "skins", "logs", "plans", "workspace", "cron", "home"]
    /// What `--clone` copies from the profile in use.
    static let clonedFiles = ["config.yaml", ".env", "SOUL.md", "memories/MEMORY.md", "memories/USER.md"]
    /// Names Python refuses for a profile.
    static let reserved: Set<String> = ["hermes", "default", "test", "tmp", "root", "sudo"]

    /// The profile `hermes` uses without `-p`: `active_profile`'s name, else `default`.
    public var active: String {
        let text = (try? String(contentsOfFile: root + "/active_profile", encoding: .utf8)) ?? ""
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? "default" : name
    }

    /// `default` and every profile directory whose name Python accepts, sorted.
    public func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root + "/profiles")) ?? []
        let valid = entries.filter { name in
            var directory: ObjCBool = false
            return name.wholeMatch(of: try! Regex(HermesHome.profilePattern)) != nil
                && FileManager.default.fileExists(atPath: root + "/profiles/" + name, isDirectory: &directory) && directory.boolValue
        }
        return ["default"] + valid.sorted()
    }

    /// Makes the profile `name`, as Python does: its directories, a `.env` of comments (0600)
    /// and the default `SOUL.md`; with `cloning`, the settings, secrets, identity, memories and
    /// skills of that home first. Returns its directory.
    public func create(_ name: String, cloning source: String? = nil, identity: String) throws(ConfigError) -> String {
        let name = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard name != "default" else {
            throw ConfigError(.flag("create"), "Cannot create a profile named 'default' — it is the built-in profile (~/.hermes).")
        }
        guard name.wholeMatch(of: try! Regex(HermesHome.profilePattern)) != nil else {
            throw ConfigError(.flag("create"), "Invalid profile name '\(name)'. Must match \(HermesHome.profilePattern)")
        }
        guard !Self.reserved.contains(name) else {
            throw ConfigError(
                .flag("create"),
                "Profile name '\(name)' is reserved — it collides with either the Hermes installation itself or a common system binary.  Pick a different name."
            )
        }
        let directory = root + "/profiles/" + name
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw ConfigError(.flag("create"), "Profile '\(name)' already exists at \(directory)")
        }
        do {
            for subdirectory in Self.directories {
                try FileManager.default.createDirectory(atPath: directory + "/" + subdirectory, withIntermediateDirectories: true)
            }
            if let source {
                for file in Self.clonedFiles where FileManager.default.fileExists(atPath: source + "/" + file) {
                    try FileManager.default.copyItem(atPath: source + "/" + file, toPath: directory + "/" + file)
                }
                if let skills = try? FileManager.default.contentsOfDirectory(atPath: source + "/skills") {
                    for entry in skills {
                        try FileManager.default.copyItem(atPath: source + "/skills/" + entry, toPath: directory + "/skills/" + entry)
                    }
                }
            }
            let env = directory + "/.env"
            if FileManager.default.fileExists(atPath: env) {
                chmod(env, 0o600)
            } else {
                let comment =
                    "# Per-profile secrets for this Hermes profile.\n# API keys and tokens set here override the shell environment.\n# Behavioral settings belong in config.yaml, not here.\n"
                try AtomicFile.write(Array(comment.utf8), to: env, mode: 0o600)
            }
            let soul = directory + "/SOUL.md"
            if !FileManager.default.fileExists(atPath: soul) {
                try AtomicFile.write(Array(identity.utf8), to: soul, mode: 0o644)
            }
        } catch let error as AtomicFileError {
            throw ConfigError(.file(directory, line: 0), error.description)
        } catch {
            throw ConfigError(.file(directory, line: 0), "cannot create the profile: \(error.localizedDescription)")
        }
        return directory
    }

    /// Makes `name` the profile `hermes` uses without `-p` (`default` removes `active_profile`,
    /// as Python does).
    public func use(_ name: String) throws(ConfigError) {
        let name = name.trimmingCharacters(in: .whitespaces).lowercased()
        let file = root + "/active_profile"
        if name == "default" {
            try? FileManager.default.removeItem(atPath: file)
            return
        }
        guard names().contains(name) else {
            throw ConfigError(.flag("use"), "Profile '\(name)' does not exist. Create it with: hermes profile create \(name)")
        }
        do {
            try AtomicFile.write(Array((name + "\n").utf8), to: file, mode: 0o644)
        } catch {
            throw ConfigError(.file(file, line: 0), error.description)
        }
    }
}
