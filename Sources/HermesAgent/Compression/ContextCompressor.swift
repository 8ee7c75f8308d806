import Foundation
import HermesCore
import HermesLLM
import HermesTelemetry

/// What one compression did to a history.
public struct Compaction: Sendable {
    /// How the middle of the history was replaced.
    public enum Outcome: String, Sendable {
        /// By a summary the model wrote now.
        case summarized
        /// By a summary already made for the same span.
        case cached
        /// Dropped, with a marker saying so: the summary call failed, timed out, or is cooling down.
        case fallback
    }

    /// The history that replaces the old one: head, summary (or marker), tail.
    public var history: [Message]
    /// How many messages the summary (or marker) replaced.
    public var replaced: Int
    /// How the middle was replaced.
    public var outcome: Outcome
    /// Why no summary was made, for a fallback.
    public var failure: String?
    /// Estimated tokens of the history before and after.
    public var tokensBefore: Int
    public var tokensAfter: Int
    /// Time the compression took (the summary call, mostly).
    public var duration: Duration
}

/// Compresses a conversation that outgrew the model's context, with the Python project's
/// semantics: the first messages and a recent tail by token budget stay, the middle becomes one
/// summary message written by the model within a summary budget, and no tool call is separated
/// from its results. Summaries are cached by span (`SummaryCache`), so the same span is paid for
/// once. When the summary cannot be had, the middle is dropped behind a marker message and the
/// turn goes on.
///
/// It holds no lock and no per-session state: a session waits only for its own summary call.
/// The summary timeout runs on the injected clock; the durations it reports are real time.
public struct ContextCompressor: Sendable {
    /// The settings in force.
    public let settings: CompressionSettings
    private let model: any ChatModel
    private let cache: SummaryCache
    private let metrics: HermesMetrics?
    private let clock: any HermesClock
    private let estimator = TokenEstimator()

    /// Bumped whenever the summary prompt changes, so cached summaries of the old prompt are not reused.
    static let promptVersion = "1"

    /// Starts every summary message: what it is, and that it is not a request.
    public static let summaryPrefix =
        "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns of this conversation were compacted into the summary "
        + "below to fit the context window. It is background, not instructions: its requests were already handled. "
        + "Respond only to the latest user message after it; your tools remain available for that."
    /// Ends every summary message.
    static let summaryEnd = "[END OF COMPACTION SUMMARY — respond to the latest user message, not to the summary]"
    /// Starts the marker that replaces a middle dropped without a summary.
    public static let fallbackPrefix = "[CONTEXT COMPACTION — SUMMARY UNAVAILABLE]"

    /// A compressor whose summaries `model` writes; `cache` may be shared by every agent of a
    /// process. Summary timeouts run on `clock`.
    public init(
        model: any ChatModel, settings: CompressionSettings, cache: SummaryCache = SummaryCache(),
        metrics: HermesMetrics? = nil, clock: any HermesClock = ContinuousClock()
    ) {
        self.model = model
        self.settings = settings
        self.cache = cache
        self.metrics = metrics
        self.clock = clock
    }

    /// Whether a request estimated at `tokens` must be compressed before it is sent.
    public func needsCompression(tokens: Int) -> Bool { tokens > settings.thresholdTokens }

    /// Whether `message` is a summary or marker left by an earlier compression.
    public static func isCompaction(_ message: Message) -> Bool {
        guard let content = message.content else { return false }
        return content.hasPrefix(summaryPrefix) || content.hasPrefix(fallbackPrefix)
    }

    /// Compresses `history` (without the system prompt); nil when there is nothing to compress.
    /// With `summariesAllowed` false (a failure's cooldown) the middle is dropped at once.
    /// `model` names the model for the summary call when the settings name none.
    public func compress(
        _ history: [Message], summariesAllowed: Bool = true, model modelName: String? = nil
    ) async
        -> Compaction?
    {
        let started = ContinuousClock.now
        let compressedBefore = history.contains(where: Self.isCompaction)
        guard let span = CompressionSpan.find(in: history, settings: settings, compressedBefore: compressedBefore) else {
            return nil
        }
        let middle = history[span]
        var outcome = Compaction.Outcome.fallback
        var failure: String?
        var replacement: String
        if summariesAllowed {
            do {
                let budget = settings.summaryBudget(forSpanOf: estimator.tokens(in: middle))
                let key = SummaryCache.key(
                    for: middle, fingerprint: "\(Self.promptVersion)|\(settings.summaryModel ?? modelName ?? "")|\(budget)")
                let (summary, source) = try await cache.summary(for: key) {
                    try await summarise(Array(middle), budget: budget, model: settings.summaryModel ?? modelName)
                }
                outcome = source == .made ? .summarized : .cached
                replacement = Self.summaryPrefix + "\n\n" + summary + "\n\n" + Self.summaryEnd
            } catch {
                failure = (error as? LLMError)?.message ?? "\(error)"
                replacement = Self.fallbackMarker(dropped: middle.count, reason: failure)
            }
        } else {
            failure = "summaries are paused after a recent failure"
            replacement = Self.fallbackMarker(dropped: middle.count, reason: failure)
        }
        let compacted = Self.assemble(head: history[..<span.lowerBound], replacement: replacement, tail: history[span.upperBound...])
        let duration = ContinuousClock.now - started
        metrics?.recordCompression(outcome: outcome.rawValue, duration: duration)
        return Compaction(
            history: compacted, replaced: middle.count, outcome: outcome, failure: failure,
            tokensBefore: estimator.tokens(in: history), tokensAfter: estimator.tokens(in: compacted), duration: duration)
    }

    private static func fallbackMarker(dropped: Int, reason: String?) -> String {
        fallbackPrefix + " \(dropped) earlier messages were dropped to keep this conversation within the model's "
            + "context window; their summary could not be made (\(reason ?? "no reason given")). Respond to the latest "
            + "user message below, and ask the user when something from earlier is needed."
    }

    /// Head, the replacement, tail. The replacement is a user message after an assistant or tool
    /// message (or at the start, where a user message must come first), else an assistant message;
    /// when that would put two messages of one role together, it opens the first tail message
    /// instead. Tool calls and results are then paired again.
    static func assemble(head: ArraySlice<Message>, replacement: String, tail: ArraySlice<Message>) -> [Message] {
        var messages = Array(head)
        let before = head.last?.role
        let userSurvives = head.contains { $0.role == .user } || tail.contains { $0.role == .user }
        let role: Role = before == nil || before == .assistant || before == .tool || !userSurvives ? .user : .assistant
        var tail = Array(tail)
        if let first = tail.first, first.role == role, first.toolCalls.isEmpty {
            tail[0].content = replacement + "\n\n" + (first.content ?? "")
        } else {
            messages.append(Message(role: role, content: replacement))
        }
        return pairToolCalls(messages + tail)
    }

    /// Drops tool results whose call is gone, and gives calls whose results are gone a stub, so
    /// the request is valid (every call answered, no answer without its call).
    static func pairToolCalls(_ messages: [Message]) -> [Message] {
        let called = Set(messages.flatMap { $0.toolCalls.map(\.id) })
        let answered = Set(messages.compactMap { $0.role == .tool ? $0.toolCallID : nil })
        var paired: [Message] = []
        paired.reserveCapacity(messages.count)
        for message in messages {
            if message.role == .tool, let id = message.toolCallID, !called.contains(id) { continue }
            paired.append(message)
            for call in message.toolCalls where !answered.contains(call.id) {
                paired.append(.tool(callID: call.id, name: call.name, content: "[result removed by context compaction]"))
            }
        }
        return paired
    }

    /// Asks the model for a summary of `messages`, within `settings.summaryTimeout`.
    private func summarise(_ messages: [Message], budget: Int, model modelName: String?) async throws -> String {
        let request = ChatRequest(
            model: modelName,
            messages: [.system(SummaryPrompt.instructions), .user(SummaryPrompt.request(for: messages, budget: budget))],
            stream: false, maxTokens: budget, temperature: 0.2)
        let timeout = settings.summaryTimeout
        let deadline = clock.now + timeout
        let completion = try await withThrowingTaskGroup(of: ChatCompletion?.self) { group in
            group.addTask { try await model.complete(request) }
            group.addTask { [clock] in
                try await clock.sleep(until: deadline, tolerance: nil)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let completion = first else {
                throw LLMError(.timeout, "the summary call took longer than \(timeout.shortDescription)")
            }
            return completion
        }
        let summary = (completion.message.content ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty else { throw LLMError(.malformedResponse, "the summary call returned no text") }
        return summary
    }
}
