import Foundation
import HermesCore

/// The skills' usage sidecar, `$HERMES_HOME/skills/.usage.json`, as Python's `tools/skill_usage.py`
/// keeps it (its curator reads it to tell used skills from stale ones): a record per skill name,
/// changed under an exclusive `flock` of `.usage.json.lock`, the lock Python takes, and written
/// at once (a temporary file renamed over it), `indent=2`, keys sorted. Best effort, as in Python:
/// a sidecar that cannot be read or written never fails the tool call.
struct SkillUsage {
    let skillsDirectory: String

    var path: String { skillsDirectory + "/.usage.json" }

    /// `bump_view` then `bump_use`: `skill_view` loaded the skill to act on it.
    func recordView(of name: String) {
        mutate(name) { record in
            Self.bump(&record, count: "view_count", at: "last_viewed_at")
        }
        mutate(name) { record in
            Self.bump(&record, count: "use_count", at: "last_used_at")
        }
    }

    /// `bump_patch`: `skill_manage` changed the skill's guidance.
    func recordPatch(of name: String) {
        mutate(name) { record in Self.bump(&record, count: "patch_count", at: "last_patched_at") }
    }

    /// `forget`: the skill was deleted.
    func forget(_ name: String) {
        locked { data in
            guard data[name] != nil else { return false }
            data[name] = nil
            return true
        }
    }

    /// Whether the skill's record says it is pinned (`get_record(name)["pinned"]`).
    func isPinned(_ name: String) -> Bool {
        guard case .object(let record)? = load()[name] else { return false }
        return record["pinned"]?.isTruthy ?? false
    }

    private static func bump(_ record: inout [String: JSONValue], count: String, at stamp: String) {
        let current: Int
        switch record[count] {
        case .int(let number)?: current = number
        case .double(let number)?: current = Int(number)
        case .string(let text)?: current = Int(text) ?? 0
        default: current = 0
        }
        record[count] = .int(current + 1)
        record[stamp] = .string(now())
    }

    /// `_now_iso()`: `datetime.now(timezone.utc).isoformat()`.
    private static func now() -> String {
        let date = Date()
        let seconds = date.timeIntervalSince1970
        let micros = Int((seconds - seconds.rounded(.down)) * 1_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let fraction = micros == 0 ? "" : "." + String(format: "%06d", micros)
        return formatter.string(from: date) + fraction + "+00:00"
    }

    /// `_empty_record()`.
    private static func emptyRecord() -> [String: JSONValue] {
        [
            "created_by": .null, "use_count": 0, "view_count": 0, "last_used_at": .null, "last_viewed_at": .null,
            "patch_count": 0, "last_patched_at": .null, "created_at": .string(now()), "state": "active", "pinned": false,
            "archived_at": .null,
        ]
    }

    private func mutate(_ name: String, _ change: (inout [String: JSONValue]) -> Void) {
        guard !name.isEmpty else { return }
        locked { data in
            var record: [String: JSONValue]
            if case .object(let existing)? = data[name] { record = existing } else { record = Self.emptyRecord() }
            change(&record)
            data[name] = .object(record)
            return true
        }
    }

    /// `load_usage()`: the records; empty when the file is missing or not a JSON object.
    private func load() -> [String: JSONValue] {
        guard let text = SkillFiles.readText(path), case .object(let members)? = try? JSONValue(parsing: text) else { return [:] }
        return members.filter { if case .object = $0.value { true } else { false } }
    }

    /// Runs `change` on the records with the lock held; writes them when it returns true.
    private func locked(_ change: (inout [String: JSONValue]) -> Bool) {
        guard let lock = try? MemoryFile.lock(path) else { return }
        defer { MemoryFile.unlock(lock) }
        var data = load()
        guard change(&data) else { return }
        try? AtomicFile.write(Array(Self.pretty(.object(data), indent: 0).utf8), to: path, mode: 0o600)
    }

    /// `json.dump(data, indent=2, sort_keys=True, ensure_ascii=False)`.
    static func pretty(_ value: JSONValue, indent: Int) -> String {
        let inner = String(repeating: " ", count: indent + 2)
        let outer = String(repeating: " ", count: indent)
        switch value {
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let items = members.keys.sorted(by: SkillFiles.codePointOrder).map { key in
                inner + PythonJSON.string(key).text + ": " + pretty(members[key]!, indent: indent + 2)
            }
            return "{\n" + items.joined(separator: ",\n") + "\n" + outer + "}"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + pretty($0, indent: indent + 2) }.joined(separator: ",\n") + "\n" + outer + "]"
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return PythonJSON.pythonFloat(number)
        case .string(let text): return PythonJSON.string(text).text
        }
    }
}
