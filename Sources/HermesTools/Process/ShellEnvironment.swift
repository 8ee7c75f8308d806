import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

/// The environment a command the model runs gets: the runtime's own, less every credential and
/// endpoint of the runtime, as Python's local terminal backend builds it (`_make_run_env`,
/// `_sanitize_subprocess_env`).
///
/// Kept out: the names Python keeps out (`PythonEnvBlocklist.names`: provider keys and base
/// URLs, tool and messaging credentials), the per-task auxiliary keys and relay secrets Python
/// matches by pattern, our own settings' secrets and endpoints (`ownNames`), and the runtime's
/// active virtualenv. `_HERMES_FORCE_NAME=value` passes `NAME=value` through anyway, as in Python.
/// Secrets the runtime loaded from `$HERMES_HOME/.env` are in its environment, so this is what
/// keeps them from a `printenv`.
enum ShellEnvironment {
    /// The variables our settings read that Python's list does not name: where the model, the
    /// web tools and Telegram are reached, and the keys they take.
    static let ownNames: Set<String> = [
        "HERMES_API_KEY", "HERMES_BASE_URL", "HERMES_WEB_API_KEY", "HERMES_WEB_BASE_URL", "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_API_BASE_URL", "CUSTOM_BASE_URL",
    ]

    /// Whether `name` is kept from commands.
    static func isWithheld(_ name: String) -> Bool {
        PythonEnvBlocklist.names.contains(name) || ownNames.contains(name) || isInternalSecret(name)
            || PythonEnvBlocklist.virtualEnvironmentMarkers.contains(name)
    }

    /// Python's `_is_hermes_internal_secret`: credentials injected under names no list knows,
    /// which even `_HERMES_FORCE_` cannot pass through.
    static func isInternalSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        if upper.hasPrefix("AUXILIARY_") && (upper.hasSuffix("_API_KEY") || upper.hasSuffix("_BASE_URL")) { return true }
        return upper.hasPrefix("GATEWAY_RELAY_")
            && (upper.hasSuffix("_SECRET") || upper.hasSuffix("_KEY") || upper.hasSuffix("_TOKEN"))
    }

    /// The changes to make to the runtime's `variables` for a command, `extra` set last: nil
    /// removes a variable.
    static func overrides(for variables: [(name: String, value: String)], extra: [String: String] = [:]) -> [String: String?] {
        var changes: [String: String?] = [:]
        for (name, value) in variables {
            if name.hasPrefix(PythonEnvBlocklist.forcePrefix) {
                changes[name] = .some(nil)
                let real = String(name.dropFirst(PythonEnvBlocklist.forcePrefix.count))
                if !real.isEmpty, !isInternalSecret(real) { changes[real] = value }
            } else if isWithheld(name), changes[name] == nil {
                changes[name] = .some(nil)
            }
        }
        for (name, value) in extra { changes[name] = value }
        return changes
    }

    /// The environment for a command: the runtime's, less what is withheld, with `extra` set.
    static func forCommand(extra: [String: String] = [:]) -> Environment {
        let changes = overrides(for: current(), extra: extra)
        return .inherit.updating(Dictionary(uniqueKeysWithValues: changes.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
    }

    /// The runtime's environment now (after `$HERMES_HOME/.env` was loaded into it).
    private static func current() -> [(name: String, value: String)] {
        var variables: [(name: String, value: String)] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            entry += 1
        }
        return variables
    }
}
