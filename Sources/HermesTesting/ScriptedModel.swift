import HermesCore
import HermesLLM
import Synchronization

/// A `ChatModel` that answers every request with what `answer` returns, and counts the requests
/// and keeps them: the one model double of the tests, in place of hand-written fakes.
///
/// ```swift
/// let model = ScriptedModel { request, _ in ChatCompletion(message: .assistant("saw \(request.messages.count)")) }
/// ```
public final class ScriptedModel: ChatModel {
    /// Makes the answer to a request; `onEvent` receives streamed deltas the answer chooses to send.
    public typealias Answer = @Sendable (ChatRequest, ChatEventHandler?) async throws -> ChatCompletion

    private let answer: Answer
    private let received = Mutex<[ChatRequest]>([])

    /// A model that answers with `answer`.
    public init(_ answer: @escaping Answer) {
        self.answer = answer
    }

    /// A model that always says `text`.
    public convenience init(reply text: String) {
        self.init { _, _ in ChatCompletion(message: .assistant(text), finishReason: "stop") }
    }

    public func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        received.withLock { $0.append(request) }
        try Task.checkCancellation()
        return try await answer(request, onEvent)
    }

    /// Requests received so far.
    public var calls: Int { received.withLock { $0.count } }

    /// The requests received, oldest first.
    public var requests: [ChatRequest] { received.withLock { $0 } }
}

extension ChatRequest {
    /// Whether this is a context compression's summary request (it carries the conversation to
    /// summarise between `<conversation>` tags).
    public var isSummaryRequest: Bool {
        messages.last?.content?.contains("<conversation>") == true
    }
}
