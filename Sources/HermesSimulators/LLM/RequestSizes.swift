import HermesCore
import NIOCore

/// How many bytes of a chat-completions request are its system prompt and its tool schemas,
/// which the simulator adds up (`LLMSimulatorStats`) so that a side-by-side run can say what each
/// implementation sends per model call.
///
/// The tools are measured in the body as it arrived (the `tools` member's JSON, as written),
/// by a scan that allocates nothing, rather than by encoding the decoded specs again: the
/// in-process simulator's cost counts in a run's allocation figures, and must not grow with the
/// measurement.
struct RequestSizes: Sendable, Equatable {
    /// UTF-8 bytes of the system messages' text.
    var systemPrompt = 0
    /// Bytes of the `tools` member's value, as sent.
    var toolSchemas = 0

    init(systemPrompt: Int = 0, toolSchemas: Int = 0) {
        self.systemPrompt = systemPrompt
        self.toolSchemas = toolSchemas
    }

    /// The sizes of `request`, whose body is `body`.
    init(_ request: SimulatedRequest, body: ByteBuffer) {
        systemPrompt = request.messages.reduce(0) { $0 + ($1.role == .system ? ($1.content?.utf8.count ?? 0) : 0) }
        toolSchemas = body.withUnsafeReadableBytes { Self.memberLength("tools", in: $0) } ?? 0
    }

    /// The length of the JSON value of top-level member `name` of the object `json`, or nil
    /// when it has none (or `json` is not an object).
    static func memberLength(_ name: StaticString, in json: UnsafeRawBufferPointer) -> Int? {
        let key = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var index = skipSpace(json, 0)
        guard index < json.count, json[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipSpace(json, index)
            guard index < json.count, json[index] == UInt8(ascii: "\"") else { return nil }
            let keyStart = index + 1
            index = skipString(json, index)
            let keyEnd = index - 1
            index = skipSpace(json, index)
            guard index < json.count, json[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipSpace(json, index + 1)
            index = skipValue(json, valueStart)
            guard index <= json.count, valueStart < index else { return nil }
            if keyEnd - keyStart == key.count, json[keyStart..<keyEnd].elementsEqual(key) { return index - valueStart }
            index = skipSpace(json, index)
            guard index < json.count, json[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func skipSpace(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start
        while index < json.count, isSpace(json[index]) { index += 1 }
        return index
    }

    // Switches, not array literals: a debug build (CI's smoke run) would allocate an array per test.
    private static func isSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D: true
        default: false
        }
    }

    /// Past the string that starts at `start` (its opening quote).
    private static func skipString(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start + 1
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return json.count + 1
    }

    /// Past the value that starts at `start`: a string, an object or array (nested ones and the
    /// strings in them skipped whole), or a scalar up to the next delimiter.
    private static func skipValue(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int {
        guard start < json.count else { return json.count + 1 }
        switch json[start] {
        case UInt8(ascii: "\""):
            return skipString(json, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < json.count {
                switch json[index] {
                case UInt8(ascii: "\""):
                    index = skipString(json, index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return json.count + 1
        default:
            var index = start
            while index < json.count, !isSpace(json[index]) {
                switch json[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): return index
                default: index += 1
                }
            }
            return index
        }
    }
}
