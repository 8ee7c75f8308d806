import Foundation

/// The Python project's soft guards on writes that land in the wrong Hermes home
/// (`tools/file_tools.py` `_check_cross_profile_path`, `agent/file_safety.py`): another
/// profile's `skills/`, `plugins/`, `cron/` or `memories/`, and a non-local terminal backend's
/// sandbox mirror of a Hermes home. `write_file` and `patch` refuse them with Python's message
/// unless the call sets `cross_profile: true`. Like Python's, they reduce confusion and are no
/// security boundary: the terminal can write there. (Python's third guard, the Docker
/// container's `/root/.hermes` mirror, applies only to a Docker backend, which this runtime does
/// not have.)
extension PathGuard {
    /// The areas of a profile the guard covers (`PROFILE_SCOPED_AREAS`).
    static let profileScopedAreas: Set<String> = ["skills", "plugins", "cron", "memories"]

    /// Why a write to `path` (absolute, as the tool resolved it) is refused by the soft guards, in
    /// Python's words; nil when it may go ahead.
    public func crossProfileRefusal(writing path: String) -> String? {
        let target = Self.resolved(path)
        return crossProfileWarning(target) ?? sandboxMirrorWarning(target)
    }

    /// `get_default_hermes_root`: the directory that holds `profiles/`. The Hermes home itself,
    /// unless it lies inside `~/.hermes` (then that) or is a `profiles/NAME` (then its grandparent).
    var hermesRoot: String? {
        guard let hermesHome else { return home.map { $0 + "/.hermes" } }
        if let native = home.map({ $0 + "/.hermes" }), Self.relativeParts(Self.resolved(hermesHome), under: Self.resolved(native)) != nil {
            return native
        }
        let parent = (hermesHome as NSString).deletingLastPathComponent
        if (parent as NSString).lastPathComponent == "profiles" { return (parent as NSString).deletingLastPathComponent }
        return hermesHome
    }

    /// `_resolve_active_profile_name`: the profile the Hermes home is (`root/profiles/NAME`), else
    /// `default`.
    var activeProfile: String {
        guard let hermesHome, let root = hermesRoot else { return "default" }
        return Self.relativeParts(Self.resolved(hermesHome), under: Self.resolved(root) + "/profiles")?.first ?? "default"
    }

    /// `get_cross_profile_warning` for a resolved target.
    private func crossProfileWarning(_ target: String) -> String? {
        guard let root = hermesRoot, let parts = Self.relativeParts(target, under: Self.resolved(root)), let first = parts.first else {
            return nil
        }
        let profile: String
        let area: String
        if Self.profileScopedAreas.contains(first) {
            (profile, area) = ("default", first)
        } else if first == "profiles", parts.count >= 3, Self.profileScopedAreas.contains(parts[2]) {
            (profile, area) = (parts[1], parts[2])
        } else {
            return nil
        }
        let active = activeProfile
        if profile == active { return nil }
        return
            "Cross-profile write blocked by soft guard: \(target) belongs to Hermes profile \(PyText.repr(profile)), but the agent is running under profile \(PyText.repr(active)). Editing another profile's \(area)/ will affect that profile's future sessions, not the one you are currently in. Confirm with the user before proceeding. To bypass this guard after explicit user direction, retry the call with ``cross_profile=True``. (Defense-in-depth — not a security boundary; the terminal tool can still bypass.)"
    }

    /// `get_sandbox_mirror_warning` for a resolved target: one under
    /// `…/sandboxes/BACKEND/TASK/home/.hermes/…`.
    private func sandboxMirrorWarning(_ target: String) -> String? {
        let parts = target.split(separator: "/").map(String.init)
        guard
            let index = parts.indices.first(where: {
                parts[$0] == "sandboxes" && $0 + 5 < parts.count && parts[$0 + 3] == "home" && parts[$0 + 4] == ".hermes"
            })
        else { return nil }
        let mirror = "/" + parts[...(index + 4)].joined(separator: "/")
        let inner = parts[(index + 5)...].joined(separator: "/")
        return
            "Sandbox-mirror write blocked by soft guard: \(target) sits under \(PyText.repr(mirror)), which is a per-task mirror created by a non-local terminal backend (docker/daytona/etc.). Writes here land on a copy that the host Hermes process never reads — the authoritative file is likely \(PyText.repr(inner)) under the real HERMES_HOME. Use the host-side tool for authoritative state (e.g. ``memory`` for memories), or address the host path directly. To bypass this guard after explicit user direction, retry the call with ``cross_profile=True``. (Defense-in-depth — not a security boundary; the terminal tool can still bypass.)"
    }

    /// The components of `path` below `base` (both resolved), as `Path.relative_to` gives them;
    /// nil when it is not inside.
    private static func relativeParts(_ path: String, under base: String) -> [String]? {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        if path == base { return [] }
        guard path.hasPrefix(prefix) else { return nil }
        return path.dropFirst(prefix.count).split(separator: "/").map(String.init)
    }
}
