import Foundation
import HermesCore
import NIOCore

/// A streamed chat completion read from its `text/event-stream` body: events split by
/// `SSEParser`, each `data:` a chunk (or `[DONE]`, or an error body) assembled by
/// `StreamAccumulator`. The client feeds it the body's buffers as they arrive; the fuzz target
/// feeds it hostile bytes, so both exercise the same code.
package struct CompletionStream {
    private var parser = SSEParser()
    private var chunks = ChunkReader()

    /// True once the `[DONE]` marker was read: what follows it is ignored.
    package var sawDone: Bool { chunks.sawDone }

    /// An empty stream.
    package init() {}

    /// Reads `buffer`; `onProgress` hears the text deltas and tool-call starts it completes.
    package mutating func consume(_ buffer: ByteBuffer, onProgress: (ChatStreamEvent) -> Void) throws(LLMError) {
        try Self.feed(buffer, to: &parser, then: &chunks, onProgress: onProgress)
    }

    /// The two stages as separate `inout`s: the parser's callback mutates the reader while the
    /// parser itself is being mutated.
    private static func feed(
        _ buffer: ByteBuffer, to parser: inout SSEParser, then chunks: inout ChunkReader, onProgress: (ChatStreamEvent) -> Void
    ) throws(LLMError) {
        do {
            try parser.consume(buffer) { event in try chunks.handle(event, onProgress: onProgress) }
        } catch let error as LLMError {
            throw error
        } catch {
            throw LLMError(.malformedResponse, "the event stream could not be read: \(error)", cause: error)
        }
    }

    /// The completion, once the body has ended: a stream cut mid-event, or ended before both
    /// `[DONE]` and a finish reason, is an error, as are tool calls whose arguments are not JSON.
    package func finish(timeToFirstToken: Duration? = nil) throws(LLMError) -> ChatCompletion {
        let accumulator = chunks.accumulator
        if !sawDone && (parser.hasPartialEvent || accumulator.finishReason == nil) {
            throw LLMError(
                .streamTruncated,
                parser.hasPartialEvent
                    ? "the event stream ended in the middle of an event"
                    : "the event stream ended before its [DONE] marker"
            )
        }
        let message = accumulator.message()
        try OpenAIClient.validateToolArguments(message.toolCalls)
        return ChatCompletion(
            message: message, finishReason: accumulator.finishReason, usage: accumulator.usage,
            model: accumulator.model, timeToFirstToken: timeToFirstToken
        )
    }

}

/// The `data:` of each event: `[DONE]`, a chunk for the accumulator, or an error body.
private struct ChunkReader {
    private(set) var accumulator = StreamAccumulator()
    private(set) var sawDone = false
    private let decoder = JSONDecoder()

    mutating func handle(_ event: ServerSentEvent, onProgress: (ChatStreamEvent) -> Void) throws(LLMError) {
        if sawDone { return }
        if event.data == "[DONE]" {
            sawDone = true
            return
        }
        let chunk: WireChunk
        do {
            chunk = try decoder.decode(WireChunk.self, from: Data(event.data.utf8))
        } catch {
            if let detail = try? decoder.decode(WireErrorBody.self, from: Data(event.data.utf8)) {
                throw LLMError(
                    .httpStatus, "the server reported an error mid-stream: \(detail.error.message ?? "?")", status: 500)
            }
            throw LLMError(
                .malformedResponse, "a stream event is not a valid chunk: \((error as? DecodingError)?.shortDescription ?? "\(error)")",
                cause: error)
        }
        accumulator.apply(chunk, emit: onProgress)
    }
}
