import Foundation

/// The Python project's scanner for text that enters the system prompt (`tools/threat_patterns.py`):
/// prompt injection, promptware and C2 vocabulary, exfiltration, persistence, hardcoded secrets,
/// and invisible or bidirectional-control characters. The memory tool refuses a write it flags and
/// keeps a flagged entry out of the prompt; context files and skills use it too in Python.
///
/// The patterns are Python's own, generated into `ThreatPatterns.swift` by
/// `scripts/peer/threat-patterns`, and read by Foundation's regular expressions (ICU), which take
/// Python's `re` syntax as these patterns use it. The engines differ only on exotic input: ICU's
/// `\s` leaves out the separators U+001C–U+001F, which Python's includes, and ICU's `\w` takes
/// combining marks but not other-number characters (`²`), where Python's does the opposite (NFKC
/// has already folded most of those to digits).
public enum ThreatScan {
    /// Which patterns apply, as Python names the sets: `all` the classic injection and exfiltration
    /// ones; `context` (context files, tool results) adds role hijack and C2 vocabulary; `strict`
    /// (memory writes, skill installs) adds persistence, URLs and secrets: every pattern.
    public enum Scope: Sendable { case all, context, strict }

    /// Python's `scan_for_threats`: the invisible characters present, as `invisible_unicode_U+200B`,
    /// sorted by code point (Python lists them in set order, which its string hashing makes differ
    /// from run to run), then the ids of the patterns that match, in Python's order. Only the first
    /// 65,536 characters (code points) are scanned; the patterns see the text NFKC-normalised, so
    /// full-width letters match as ASCII, and ignore case.
    public static func findings(in text: String, scope: Scope) -> [String] {
        guard !text.isEmpty else { return [] }
        let scanned = String(String.UnicodeScalarView(text.unicodeScalars.prefix(ThreatPatterns.maxScanCharacters)))
        // Looked for in the raw text: NFKC drops some of these characters.
        let invisible = Set(scanned.unicodeScalars.filter(ThreatPatterns.invisibleCharacters.contains))
        var findings = invisible.sorted { $0.value < $1.value }.map { "invisible_unicode_U+" + hex4($0.value) }
        let normalized = scanned.precomposedStringWithCompatibilityMapping
        for (pattern, id) in compiled[scope] ?? [] where pattern.matches(normalized) {
            findings.append(id)
        }
        return findings
    }

    /// Python's `first_threat_message`: why the first finding blocks the text, in Python's words,
    /// or nil when there is none.
    public static func firstThreatMessage(_ text: String, scope: Scope = .strict) -> String? {
        guard let first = findings(in: text, scope: scope).first else { return nil }
        let prefix = "invisible_unicode_"
        if first.hasPrefix(prefix) {
            return "Blocked: content contains invisible unicode character \(first.dropFirst(prefix.count)) (possible injection)."
        }
        return "Blocked: content matches threat pattern '\(first)'. Content is injected into the system prompt and must not "
            + "contain injection or exfiltration payloads."
    }

    /// The patterns of each scope, compiled once: a pattern of scope `all` is in every set, one of
    /// `context` in `context` and `strict`, one of `strict` in `strict` only (Python's `_compile`).
    private static let compiled: [Scope: [(Pattern, String)]] = {
        let patterns = ThreatPatterns.patterns.map { (Pattern($0.regex, dotAll: false), $0.id, $0.scope) }
        func applied(in scope: Scope) -> [(Pattern, String)] {
            patterns.filter { _, _, narrowest in
                switch narrowest {
                case .all: true
                case .context: scope != .all
                case .strict: scope == .strict
                }
            }.map { ($0.0, $0.1) }
        }
        return [.all: applied(in: .all), .context: applied(in: .context), .strict: applied(in: .strict)]
    }()

    /// `value` as Python's `{:04X}`.
    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
