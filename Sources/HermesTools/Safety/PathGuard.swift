import Foundation

/// Where the file tools refuse to write or read, as the Python project's `tools/file_tools.py`
/// (`_check_sensitive_path`) and `agent/file_safety.py` (`is_write_denied`,
/// `get_read_block_error`) decide it. Writes: system paths (`/etc/`, `/boot/`, …), the Docker
/// socket, the Hermes configuration, credential files and directories (`~/.ssh`, `~/.aws`,
/// `~/.netrc`, …), the Hermes `.env`, session database, pairing and token stores; and, when
/// `HERMES_WRITE_SAFE_ROOT` is set, everything outside its roots. Reads: the Hermes credential
/// stores (`auth.json`, `.env`, …, `mcp-tokens/`), the skills hub cache, and project `.env` files
/// anywhere. Paths are compared after symbolic links are resolved, so a link into `~/.ssh` is
/// refused like the directory itself. The read rules are defence in depth, as in Python: the
/// terminal can still `cat` a file (and its output is redacted).
public struct PathGuard: Sendable {
    /// The user's home.
    public var home: String?
    /// The Hermes home (`$HERMES_HOME`, else `~/.hermes`).
    public var hermesHome: String?
    /// `HERMES_WRITE_SAFE_ROOT`'s directories; empty allows everywhere not refused otherwise.
    public var safeRoots: [String]

    static let systemPrefixes = ["/etc/", "/boot/", "/usr/lib/systemd/", "/private/etc/", "/private/var/"]
    static let systemExact: Set<String> = ["/var/run/docker.sock", "/run/docker.sock"]

    /// A guard for `HOME`, `HERMES_HOME` and `HERMES_WRITE_SAFE_ROOT` of `environment`.
    public static func forEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> PathGuard {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        let hermesHome = environment["HERMES_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home.map { $0 + "/.hermes" }
        let roots = (environment["HERMES_WRITE_SAFE_ROOT"] ?? "").split(separator: ":").map(String.init)
        return PathGuard(home: home, hermesHome: hermesHome, safeRoots: roots)
    }

    /// Makes a guard.
    public init(home: String?, hermesHome: String?, safeRoots: [String] = []) {
        self.home = home
        self.hermesHome = hermesHome
        self.safeRoots = safeRoots
    }

    /// Why a write to `path` (absolute, as the tool resolved it; `given` as the model wrote it)
    /// is refused, in Python's words; nil when it may go ahead.
    public func refusal(writing path: String, given: String) -> String? {
        let resolved = Self.resolved(path)
        let normalized = (path as NSString).standardizingPath
        if Self.systemPrefixes.contains(where: { resolved.hasPrefix($0) || normalized.hasPrefix($0) })
            || Self.systemExact.contains(resolved) || Self.systemExact.contains(normalized)
        {
            return "Refusing to write to sensitive system path: \(given)\nUse the terminal tool with sudo if you need to modify system files."
        }
        if let hermesHome, resolved == Self.resolved(hermesHome + "/config.yaml") {
            return
                "Refusing to write to Hermes config file: \(given)\nAgent cannot modify security-sensitive configuration. Edit ~/.hermes/config.yaml directly or use 'hermes config' instead."
        }
        if isCredential(resolved) { return "Write denied: '\(given)' is a protected system/credential file." }
        let roots = safeRoots.map(Self.resolved)
        if !roots.isEmpty, !roots.contains(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) {
            return
                "Write denied: '\(given)' is outside HERMES_WRITE_SAFE_ROOT (\(roots.sorted().joined(separator: ":"))). Unset the variable or add this path's directory prefix."
        }
        return nil
    }

    /// Why a read of `path` (absolute; `given` as the model wrote it) is refused, in Python's
    /// words; nil when it may go ahead.
    public func refusal(reading path: String, given: String) -> String? {
        readRules().refusal(path, given: given)
    }

    /// The read rules with the Hermes paths resolved once, to check many paths (each file
    /// `search_files` would open).
    public func readRules() -> ReadRules {
        ReadRules(
            hub: hermesHome.map { Self.resolved($0) + "/skills/.hub" },
            stores: Set(
                hermesHome.map { home in
                    [
                        "auth.json", "auth.lock", ".anthropic_oauth.json", ".env", "webhook_subscriptions.json",
                        "auth/google_oauth.json", "cache/bws_cache.json",
                    ]
                    .map { Self.resolved(home + "/" + $0) }
                } ?? []),
            tokens: hermesHome.map { Self.resolved($0 + "/mcp-tokens") })
    }

    /// `get_read_block_error`'s rules, their Hermes paths resolved.
    public struct ReadRules: Sendable {
        let hub: String?
        let stores: Set<String>
        let tokens: String?

        static let environmentFiles: Set<String> = [
            ".env", ".env.local", ".env.development", ".env.production", ".env.test", ".env.staging", ".envrc",
        ]

        /// Why a read of `path` (absolute; `given` as the model wrote it) is refused; nil when
        /// it may go ahead.
        public func refusal(_ path: String, given: String) -> String? {
            let resolved = PathGuard.resolved(path)
            let bypass = "(Defense-in-depth — not a security boundary; the terminal tool can still bypass.)"
            if let hub, resolved == hub || resolved.hasPrefix(hub + "/") {
                return
                    "Access denied: \(given) is an internal Hermes cache file and cannot be read directly to prevent prompt injection. Use the skills_list or skill_view tools instead."
            }
            if stores.contains(resolved) {
                return
                    "Access denied: \(given) is a Hermes credential store and cannot be read directly. Provider tools consume these credentials through internal channels. \(bypass)"
            }
            if let tokens, resolved == tokens {
                return "Access denied: \(given) is the Hermes MCP token directory and cannot be read directly. \(bypass)"
            }
            if let tokens, resolved.hasPrefix(tokens + "/") {
                return "Access denied: \(given) is a Hermes MCP token file and cannot be read directly. \(bypass)"
            }
            if Self.environmentFiles.contains((resolved as NSString).lastPathComponent.lowercased()) {
                return
                    "Access denied: \(given) is a secret-bearing environment file and cannot be read to prevent credential leakage. If you need to check the file structure, read .env.example instead. \(bypass)"
            }
            return nil
        }
    }

    private func isCredential(_ resolved: String) -> Bool {
        var exact: Set<String> = ["/etc/sudoers", "/etc/passwd", "/etc/shadow"]
        var prefixes = ["/etc/sudoers.d", "/etc/systemd"]
        var inside: [String] = []
        if let home {
            exact.formUnion(
                [
                    ".ssh/authorized_keys", ".ssh/id_rsa", ".ssh/id_ed25519", ".ssh/config", ".netrc", ".pgpass", ".npmrc", ".pypirc",
                    ".git-credentials",
                ]
                .map { home + "/" + $0 })
            prefixes += [".ssh", ".aws", ".gnupg", ".kube", ".docker", ".azure", ".config/gh", ".config/gcloud"].map { home + "/" + $0 }
        }
        if let hermesHome {
            exact.formUnion([".env", ".anthropic_oauth.json", "state.db"].map { hermesHome + "/" + $0 })
            inside = ["sessions", "mcp-tokens", "pairing", "platforms/pairing"].map { hermesHome + "/" + $0 }
        }
        if exact.map(Self.resolved).contains(resolved) { return true }
        if prefixes.map({ Self.resolved($0) + "/" }).contains(where: resolved.hasPrefix) { return true }
        return inside.map(Self.resolved).contains { resolved == $0 || resolved.hasPrefix($0 + "/") }
    }

    /// `path` with `.`, `..` and the symbolic links of its existing part resolved, as Python's
    /// `os.path.realpath`.
    static func resolved(_ path: String) -> String {
        var existing = (path as NSString).standardizingPath
        var rest: [String] = []
        while !existing.isEmpty, existing != "/" {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return rest.isEmpty ? base : (base == "/" ? "" : base) + "/" + rest.reversed().joined(separator: "/")
            }
            rest.append((existing as NSString).lastPathComponent)
            existing = (existing as NSString).deletingLastPathComponent
        }
        return "/" + rest.reversed().joined(separator: "/")
    }
}
