import Foundation
import HermesCore

/// An endpoint's `GET /models` answer, read as the Python project reads it
/// (`fetch_endpoint_model_metadata`, and `fetch_model_metadata` for OpenRouter's).
struct ModelListing: Sendable, Hashable {
    /// One listed model.
    struct Entry: Sendable, Hashable {
        var contextLength: Int?
        var maxCompletionTokens: Int?
    }

    /// Entries by id and alias, in the order they were listed (a lookup by fragment takes the first).
    private(set) var ids: [String] = []
    private(set) var entries: [String: Entry] = [:]

    /// The keys an OpenAI-compatible server may give the window under (vLLM's `max_model_len`,
    /// llama.cpp's `n_ctx`…), searched in every nested object.
    static let contextLengthKeys: Set<String> = [
        "context_length", "context_window", "context_size", "max_context_length", "max_position_embeddings",
        "max_model_len", "max_input_tokens", "max_sequence_length", "max_seq_len", "n_ctx_train", "n_ctx", "ctx_size",
    ]
    static let maxCompletionKeys: Set<String> = ["max_completion_tokens", "max_output_tokens", "max_tokens"]

    init() {}

    /// A custom endpoint's listing: each model's window and completion limit under any of the
    /// known keys, at any depth. A `vendor/model` id is also found as `model`.
    init(endpoint payload: JSONValue) {
        for model in payload["data"]?.arrayValue ?? [] {
            guard model.objectValue != nil, let id = model["id"]?.stringValue, !id.isEmpty else { continue }
            add(
                id,
                Entry(
                    contextLength: Self.firstInteger(in: model, keys: Self.contextLengthKeys),
                    maxCompletionTokens: Self.firstInteger(in: model, keys: Self.maxCompletionKeys)))
        }
    }

    /// OpenRouter's listing: `context_length` (128K when absent, as Python assumes) and
    /// `top_provider.max_completion_tokens`, by id, bare id and canonical slug.
    init(openRouter payload: JSONValue) {
        for model in payload["data"]?.arrayValue ?? [] {
            let id = model["id"]?.stringValue ?? ""
            let entry = Entry(
                contextLength: model["context_length"].map { $0.intValue } ?? 128_000,
                maxCompletionTokens: model["top_provider"]?["max_completion_tokens"]?.intValue ?? 4_096)
            add(id, entry)
            if let canonical = model["canonical_slug"]?.stringValue, !canonical.isEmpty, canonical != id { add(canonical, entry) }
        }
    }

    var isEmpty: Bool { ids.isEmpty }

    /// The entry for `model` on a custom endpoint: its own, else the only one listed, else the
    /// first whose id contains the name or is contained in it.
    func match(_ model: String) -> Entry? {
        if let entry = entries[model] { return entry }
        if ids.count == 1 { return entries[ids[0]] }
        return ids.first { $0.contains(model) || model.contains($0) }.flatMap { entries[$0] }
    }

    /// The entry listed under exactly `model` (OpenRouter's lookup).
    func exact(_ model: String) -> Entry? { entries[model] }

    private mutating func add(_ id: String, _ entry: Entry) {
        set(id, entry)
        if let slash = id.firstIndex(of: "/") {
            let bare = String(id[id.index(after: slash)...])
            if entries[bare] == nil { set(bare, entry) }
        }
    }

    private mutating func set(_ id: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: id) == nil { ids.append(id) }
    }

    /// The first whole number from 1,024 to 10,000,000 under one of `keys` (any case), looking
    /// through `value` and the objects nested in it, outermost first.
    static func firstInteger(in value: JSONValue, keys: Set<String>) -> Int? {
        switch value {
        case .object(let members):
            // Python walks keys in the server's order; objects here are sorted, which matters only
            // when one object carries two of the keys with different usable values.
            for (key, member) in members.sorted(by: { $0.key < $1.key }) where keys.contains(key.lowercased()) {
                if let number = reasonableInteger(member) { return number }
            }
            for (_, member) in members.sorted(by: { $0.key < $1.key }) {
                if let number = firstInteger(in: member, keys: keys) { return number }
            }
            return nil
        case .array(let items):
            for item in items {
                if let number = firstInteger(in: item, keys: keys) { return number }
            }
            return nil
        default:
            return nil
        }
    }

    private static func reasonableInteger(_ value: JSONValue) -> Int? {
        let number: Int? =
            switch value {
            case .int(let number): number
            case .double(let number) where number.isFinite && abs(number) < 1e12: Int(number)
            case .string(let text): Int(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ""))
            default: nil
            }
        guard let number, (1_024...10_000_000).contains(number) else { return nil }
        return number
    }
}
