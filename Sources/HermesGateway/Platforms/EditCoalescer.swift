import Synchronization

/// Delivers a streamed reply to a chat platform: the first text is sent as a new message, later
/// text edits that message, at most once per `interval` (the platform's rate limit). Text that
/// arrives while an edit waits or is in flight is folded into the next edit, so a fast model
/// costs no more calls than a slow one.
///
/// Event-driven: the producer's `append`/`finish` wake the delivery loop through a one-slot
/// stream; the loop waits only for the rate limit's deadline, never polls.
public final class EditCoalescer: Sendable {
    /// Sends a new message with the text; returns its id on the platform.
    public typealias Send = @Sendable (String) async throws -> Int
    /// Replaces the text of message `id`.
    public typealias Edit = @Sendable (_ id: Int, _ text: String) async throws -> Void

    private let interval: Duration
    private let maxLength: Int
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct State {
        var text = ""
        var finished = false
    }

    /// Makes a coalescer for one reply; messages longer than `maxLength` (Telegram: 4096) are
    /// split, the rest following as new messages at the end.
    public init(interval: Duration, maxLength: Int = 4096) {
        self.interval = interval
        self.maxLength = max(1, maxLength)
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// More reply text.
    public func append(_ piece: String) {
        state.withLock { $0.text += piece }
        wake.yield()
    }

    /// The reply is complete; `text`, when given, replaces what was streamed (a reply that was
    /// not streamed, or an error notice).
    public func finish(with text: String? = nil) {
        state.withLock { state in
            if let text { state.text = text }
            state.finished = true
        }
        wake.yield()
        wake.finish()
    }

    /// What a delivery did.
    public struct Delivery: Sendable {
        /// Platform calls made.
        public var calls = 0
        /// When the first text reached the platform.
        public var firstShown: ContinuousClock.Instant?
    }

    /// Runs until the reply is finished and fully shown.
    @discardableResult
    public func deliver(send: Send, edit: Edit) async throws -> Delivery {
        var messageID: Int?
        var shown = ""
        var delivery = Delivery()
        var nextAllowed = ContinuousClock.now
        for await _ in wakeups {
            if messageID != nil, ContinuousClock.now < nextAllowed {
                try await Task.sleep(until: nextAllowed)
            }
            let (text, finished) = state.withLock { ($0.text, $0.finished) }
            let parts = Self.split(text, maxLength: maxLength)
            let first = parts.first ?? ""
            if !first.isEmpty, first != shown {
                if let messageID {
                    try await edit(messageID, first)
                } else {
                    messageID = try await send(first)
                    delivery.firstShown = .now
                }
                shown = first
                delivery.calls += 1
                nextAllowed = ContinuousClock.now + interval
            }
            if finished {
                for part in parts.dropFirst() {
                    _ = try await send(part)
                    delivery.calls += 1
                }
                return delivery
            }
        }
        return delivery
    }

    /// `text` in pieces of at most `maxLength` characters, cut at a line break when there is one.
    static func split(_ text: String, maxLength: Int) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        while rest.count > maxLength {
            let limit = rest.index(rest.startIndex, offsetBy: maxLength)
            let cut = rest[..<limit].lastIndex(of: "\n").map { rest.index(after: $0) } ?? limit
            parts.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        if !rest.isEmpty { parts.append(String(rest)) }
        return parts
    }
}
