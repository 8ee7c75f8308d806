import HermesLLM
import NIOCore

extension FuzzTarget {
    /// A streamed completion's body, as the model client reads it.
    static let completionStream = FuzzTarget(
        name: "completion-stream",
        summary: "a text/event-stream completion body read by the model client's SSE parser and chunk decoder: "
            + "the same bytes cut into arbitrary buffers give the same events and the same completion or error"
    ) { bytes throws(FuzzFailure) in
        let whole = StreamOutcome(reading: [bytes[...]])
        let step = Int(bytes.first ?? 0) % 13 + 1
        let pieces = stride(from: 0, to: bytes.count, by: step).map { bytes[$0..<Swift.min($0 + step, bytes.count)] }
        let cut = StreamOutcome(reading: pieces)
        try check(whole == cut, "read whole: \(whole); read in \(step)-byte buffers: \(cut)")
    }
}

/// What the client makes of a stream body: the progress it reported, then its completion or error.
private struct StreamOutcome: Equatable, CustomStringConvertible {
    enum End: Equatable {
        case completion(ChatCompletion)
        case failure(code: LLMError.Code, message: String)
    }

    var events: [ChatStreamEvent] = []
    var end: End

    /// Feeds `buffers` in order, stopping as the client does at an error or `[DONE]`.
    init(reading buffers: [ArraySlice<UInt8>]) {
        var stream = CompletionStream()
        var events: [ChatStreamEvent] = []
        do throws(LLMError) {
            for buffer in buffers {
                try stream.consume(ByteBuffer(bytes: buffer)) { events.append($0) }
                if stream.sawDone { break }
            }
            end = .completion(try stream.finish())
        } catch {
            end = .failure(code: error.code, message: error.message)
        }
        self.events = events
    }

    var description: String { "\(events.count) events, then \(end)" }
}
