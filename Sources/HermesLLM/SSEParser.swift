import NIOCore

// Hand-written rather than taken from mattt/EventSource (in the mirror): that parser is an actor
// fed one byte per `await`, which costs an actor hop per byte on the hottest path of a streamed
// turn, and its `finish()` dispatches a half-received event, which would hide a stream cut
// mid-event — the very failure this client must report.

/// One server-sent event.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field, when present.
    public var event: String?
    /// The `data:` lines joined by newlines.
    public var data: String
}

/// Splits a `text/event-stream` body into events, as the WHATWG HTML standard defines:
/// lines end in LF, CR or CRLF; a blank line dispatches; `:` starts a comment; `data` lines join
/// with a newline; one leading space after the colon is dropped.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var lastByteWasCR = false

    /// An empty parser.
    public init() {}

    /// True when bytes of an event that has not been dispatched are buffered: a stream that ends
    /// now was cut mid-event.
    public var hasPartialEvent: Bool { !line.isEmpty || hasData || eventName != nil }

    /// Feeds bytes; `emit` is called for each event they complete, in order.
    public mutating func consume(_ buffer: ByteBuffer, emit: (ServerSentEvent) throws -> Void) rethrows {
        try buffer.withUnsafeReadableBytes { bytes in
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    if byte == UInt8(ascii: "\n"), lastByteWasCR, start == index, line.isEmpty {
                        // The LF of a CRLF whose CR ended the previous line.
                        lastByteWasCR = false
                        index += 1
                        start = index
                        continue
                    }
                    line.append(contentsOf: bytes[start..<index])
                    lastByteWasCR = byte == UInt8(ascii: "\r")
                    try processLine(emit: emit)
                    index += 1
                    start = index
                } else {
                    lastByteWasCR = false
                    index += 1
                }
            }
            line.append(contentsOf: bytes[start..<bytes.count])
        }
    }

    private mutating func processLine(emit: (ServerSentEvent) throws -> Void) throws {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData {
                let event = ServerSentEvent(event: eventName, data: String(decoding: data, as: UTF8.self))
                data.removeAll(keepingCapacity: true)
                hasData = false
                eventName = nil
                try emit(event)
            } else {
                eventName = nil
            }
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = colon < line.endIndex ? colon + 1 : colon
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = line[..<colon]
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        }
        // `id` and `retry` matter for reconnecting EventSources; a completion stream is never resumed.
    }
}
