import Foundation

/// Masks secrets in text before it reaches the model, the store or the logs, with the Python
/// project's patterns and masks (`agent/redact.py`): vendor-prefixed keys (`sk-…`, `ghp_…`,
/// `AKIA…`, 41 kinds), `KEY=value` assignments whose name says secret, dotted and line-anchored
/// config keys, JSON and YAML secret fields, `Authorization` and API-key headers, Telegram bot
/// tokens, private key blocks, database connection passwords, bare-token URL userinfo, JWTs,
/// form bodies and phone numbers. A token of 18 characters or more keeps its first 6 and last 4
/// (`sk-pro...7890`), a shorter one becomes `***`; in file content a prefixed key becomes a
/// non-reusable `«redacted:sk-…»`, so that an agent cannot write a truncated key back.
///
/// On unless `HERMES_REDACT_SECRETS` is false when the runtime starts (read once, as in Python).
public struct Redactor: Sendable {
    /// Where the text comes from, which decides the passes, as Python's `code_file`/`file_read`.
    public enum Source: Sendable {
        /// Log lines, approval prompts, an environment dump: every pass.
        case text
        /// Command output other than an environment dump: no `KEY=value`, JSON or YAML passes,
        /// whose names appear in source code as often as in secrets (`MAX_TOKENS=100`).
        case code
        /// File content read by the agent: as `code`, with non-reusable masks.
        case file
    }

    /// Whether it masks anything.
    public var enabled: Bool

    /// A redactor, on unless `HERMES_REDACT_SECRETS` in `environment` says false.
    public static func forEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Redactor {
        Redactor(enabled: ["1", "true", "yes", "on"].contains((environment["HERMES_REDACT_SECRETS"] ?? "true").lowercased()))
    }

    /// Makes a redactor.
    public init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// `text` with its secrets masked.
    public func redact(_ text: String, as source: Source = .text) -> String {
        guard enabled, !text.isEmpty else { return text }
        var text = text
        let mask = source == .file ? Self.nonReusable : Self.mask
        if Self.prefixLiterals.contains(where: text.contains) {
            text = Self.prefixed.replace(in: text) { mask($0[1] ?? "") }
        }
        if source == .text {
            if text.contains("=") {
                let assignment: ([String?]) -> String = { groups in
                    let (name, quote, value) = (groups[1] ?? "", groups[2] ?? "", groups[3] ?? "")
                    if Self.environmentLookup.matches(value) { return groups[0] ?? "" }
                    return "\(name)=\(quote)\(Self.mask(value))\(quote)"
                }
                text = Self.environmentAssignment.replace(in: text, assignment)
                if !text.contains("://") {
                    text = Self.dottedConfig.replace(in: text, assignment)
                    text = Self.anchoredConfig.replace(in: text, assignment)
                }
            }
            if text.contains(":") && text.contains("\"") {
                text = Self.jsonField.replace(in: text) { groups in
                    let value = groups[2] ?? ""
                    if Self.environmentLookup.matches(value) { return groups[0] ?? "" }
                    return "\(groups[1] ?? ""): \"\(Self.mask(value))\""
                }
            }
            if text.contains(":") && !text.contains("://") {
                text = Self.yamlField.replace(in: text) { groups in
                    let value = groups[3] ?? ""
                    if Self.environmentLookup.matches(value) { return groups[0] ?? "" }
                    return (groups[1] ?? "") + (groups[2] ?? "") + Self.mask(value)
                }
            }
        }
        if text.contains("uthorization") || text.contains("UTHORIZATION") {
            text = Self.authorizationHeader.replace(in: text) { ($0[1] ?? "") + ($0[2] ?? "") + Self.mask($0[3] ?? "") }
        }
        if text.contains(":") {
            text = Self.secretHeader.replace(in: text) { ($0[1] ?? "") + Self.mask($0[2] ?? "") }
            text = Self.telegramToken.replace(in: text) { ($0[1] ?? "") + ($0[2] ?? "") + ":***" }
        }
        if text.contains("BEGIN") && text.contains("-----") {
            text = Self.privateKey.replace(in: text) { _ in "[REDACTED PRIVATE KEY]" }
        }
        if text.contains("://") {
            text = Self.databaseURL.replace(in: text) { groups in
                let password = groups[2] ?? ""
                if source != .text, password.hasPrefix("{"), password.hasSuffix("}") { return groups[0] ?? "" }
                return (groups[1] ?? "") + "***" + (groups[3] ?? "")
            }
            text = Self.bareTokenURL.replace(in: text) { ($0[1] ?? "") + Self.mask($0[2] ?? "") + ($0[3] ?? "") }
        }
        if text.contains("eyJ") {
            text = Self.jwt.replace(in: text) { Self.mask($0[0] ?? "") }
        }
        if text.contains("&") && text.contains("="), !text.contains("\n") {
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if Self.formBody.matches(body) { text = Self.redactQuery(body) }
        }
        if text.contains("+") {
            text = Self.phone.replace(in: text) { groups in
                let phone = Array((groups[1] ?? "").unicodeScalars)
                let keep = phone.count <= 8 ? 2 : 4
                return String(String.UnicodeScalarView(phone.prefix(keep))) + "****" + String(String.UnicodeScalarView(phone.suffix(keep)))
            }
        }
        return text
    }

    /// What `command` printed, masked as Python's `redact_terminal_output`: an environment dump
    /// (`env`, `printenv`, `set`, `export`, `declare`) gets every pass, other output the code passes.
    public func redactOutput(_ output: String, of command: String) -> String {
        redact(output, as: Self.dumpsEnvironment(command) ? .text : .code)
    }

    static func dumpsEnvironment(_ command: String) -> Bool {
        command.split(whereSeparator: { "|;&".contains($0) }).contains { segment in
            let first = ShellScan.tokens(segment)?.first ?? segment.split(separator: " ").first.map(String.init)
            return first.map { ["env", "printenv", "set", "export", "declare"].contains($0) } ?? false
        }
    }

    // MARK: Masks

    /// 18 characters or more keep 6 in front and 4 behind; shorter ones become `***`.
    static func mask(_ token: String) -> String {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count >= 18 else { return "***" }
        return String(String.UnicodeScalarView(scalars.prefix(6))) + "..." + String(String.UnicodeScalarView(scalars.suffix(4)))
    }

    /// The vendor prefix alone, so the agent can tell which key is there without any of its bytes.
    static func nonReusable(_ token: String) -> String {
        guard let label = prefixLiterals.first(where: token.hasPrefix) else { return "«redacted-secret»" }
        return "«redacted:\(label)…»"
    }

    static func redactQuery(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let key = pair[..<equals]
            return sensitiveParameters.contains(key.lowercased()) ? "\(key)=***" : String(pair)
        }.joined(separator: "&")
    }
}
