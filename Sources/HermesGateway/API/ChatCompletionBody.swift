import Foundation
import HTTPTypes
import HermesCore

/// A `POST /v1/chat/completions` body, read the way the Python project's API server reads it:
/// system messages become per-turn instructions, the last user or assistant message is the new
/// input, and the ones before it are the conversation (used when no session header is sent).
/// Other roles (`tool`, `developer`…) are ignored, as there.
package struct ChatCompletionBody: Sendable {
    package var model: String?
    package var stream: Bool
    package var instructions: String?
    package var history: [Message]
    package var input: String
    /// The first user message, which with `instructions` identifies a conversation.
    package var firstUserText: String

    /// Parses `data`, or throws a 400 naming what is wrong; past `maxMessages` messages or
    /// `maxCharacters` characters of content it is refused.
    package init(parsing data: Data, maxMessages: Int = .max, maxCharacters: Int = .max) throws(OpenAIError) {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw OpenAIError(.badRequest, "Invalid JSON in request body (\(Self.reason(error))); send one JSON object")
        }
        guard case .object(let body) = document else {
            throw OpenAIError(.badRequest, "Request body must be a JSON object")
        }
        switch body["model"] {
        case nil, .null?: model = nil
        case .string(let name)?: model = name
        default: throw OpenAIError(.badRequest, "'model' must be a string", param: "model")
        }
        guard case .array(let messages)? = body["messages"], !messages.isEmpty else {
            throw OpenAIError(.badRequest, "Missing or invalid 'messages' field", param: "messages")
        }
        guard messages.count <= maxMessages else {
            throw OpenAIError(
                .badRequest,
                "Too many messages: \(messages.count), at most \(maxMessages) per request; send a session header instead of the whole history",
                param: "messages", code: "too_many_messages")
        }
        stream = Self.bool(body["stream"])
        var characters = 0
        var system: [String] = []
        var conversation: [Message] = []
        for (index, message) in messages.enumerated() {
            guard case .object(let fields) = message else {
                throw OpenAIError(
                    .badRequest, "messages[\(index)] must be an object with 'role' and 'content'",
                    param: "messages[\(index)]")
            }
            let content = try Self.text(fields["content"], param: "messages[\(index)].content")
            characters += content.utf8.count
            guard characters <= maxCharacters else {
                throw OpenAIError(
                    .badRequest, "Request too long: its messages pass \(maxCharacters) characters of content; shorten them or continue a session",
                    param: "messages", code: "request_too_long")
            }
            switch fields["role"]?.stringValue {
            case "system": system.append(content)
            case "user": conversation.append(.user(content))
            case "assistant": conversation.append(.assistant(content))
            default: continue
            }
        }
        instructions = system.isEmpty ? nil : system.joined(separator: "\n")
        let last = conversation.popLast()
        guard let input = last?.content, !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw OpenAIError(.badRequest, "No user message found in messages", param: "messages")
        }
        self.input = input
        history = conversation
        firstUserText = (conversation + [last!]).first { $0.role == .user }?.content ?? ""
    }

    /// `content` as text: a string, `null`, or an array of parts whose text parts are joined.
    private static func text(_ value: JSONValue?, param: String) throws(OpenAIError) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .array(let parts)?:
            return parts.compactMap { part -> String? in
                guard part["type"]?.stringValue == "text" || part["type"]?.stringValue == "input_text" else { return nil }
                return part["text"]?.stringValue
            }.joined(separator: "\n")
        default:
            throw OpenAIError(.badRequest, "\(param) must be a string or an array of content parts", param: param)
        }
    }

    /// Where the JSON parser stopped, from its error.
    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        if let underlying = context.underlyingError as? NSError,
            let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
        {
            return detail
        }
        return context.debugDescription
    }

    /// `stream` as the Python server coerces it: booleans, and the strings and numbers people send.
    private static func bool(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .int(let number)?: return number != 0
        case .string(let text)?: return ["1", "true", "yes", "on"].contains(text.lowercased())
        default: return false
        }
    }
}
