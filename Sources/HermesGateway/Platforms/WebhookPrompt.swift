import Foundation
import HermesCore

/// Fills a webhook route's prompt template the way the Python project does: `{a.b}` is the
/// payload's member `b` of `a` (objects and arrays as indented JSON, cut at 2,000 characters),
/// `{event_type}` the event, `{__raw__}` the whole payload (cut at 4,000); an unknown key stays
/// as written. An empty template gives the event, the route and the payload.
enum WebhookPrompt {
    static func render(_ template: String, payload: [String: JSONValue], event: String, route: String) -> String {
        let document = JSONValue.object(payload)
        guard !template.isEmpty else {
            return "Webhook event '\(event)' on route '\(route)':\n\n```json\n\(pretty(document, limit: 4000))\n```"
        }
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { return output + rest[open...] }
            let key = rest[afterOpen..<close]
            if !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                output += value(of: String(key), in: document, event: event) ?? "{\(key)}"
            } else {
                output += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    private static func value(of key: String, in document: JSONValue, event: String) -> String? {
        if key == "__raw__" { return pretty(document, limit: 4000) }
        if key == "event_type" { return event }
        var value = document
        for part in key.split(separator: ".") {
            guard let member = value[String(part)] else { return nil }
            value = member
        }
        switch value {
        case .string(let text): return text
        case .object, .array: return pretty(value, limit: 2000)
        default: return value.jsonText
        }
    }

    private static func pretty(_ value: JSONValue, limit: Int) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value.jsonText
        return String(text.prefix(limit))
    }
}
