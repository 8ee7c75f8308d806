import HermesCore
import Synchronization

/// Delivers a streamed reply to a chat platform under its edit rate limit (the rules are
/// `EditCoalescerStateMachine`'s): one new message, then edits at most once per `interval`, so
/// a fast model costs no more platform calls than a slow one.
///
/// Event-driven: the producer's `append`/`finish` wake the delivery loop through a one-slot
/// stream; the loop sleeps only until the rate limit's deadline, on `clock`, and never polls.
public final class EditCoalescer: Sendable {
    /// Sends a new message with the text; returns its id on the platform.
    public typealias Send = @Sendable (String) async throws -> Int
    /// Replaces the text of message `id`.
    public typealias Edit = @Sendable (_ id: Int, _ text: String) async throws -> Void

    private let clock: any HermesClock
    private let state: Mutex<EditCoalescerStateMachine>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Makes a coalescer for one reply; messages longer than `maxLength` (Telegram: 4096) are
    /// split, the rest following as new messages at the end. The rate limit runs on `clock`.
    public init(interval: Duration, maxLength: Int = 4096, clock: any HermesClock = ContinuousClock()) {
        self.clock = clock
        state = Mutex(EditCoalescerStateMachine(interval: interval, maxLength: maxLength))
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// More reply text.
    public func append(_ piece: String) {
        state.withLock { $0.append(piece) }
        wake.yield()
    }

    /// The reply is complete; `text`, when given, replaces what was streamed (a reply that was
    /// not streamed, or an error notice).
    public func finish(with text: String? = nil) {
        state.withLock { $0.finish(with: text) }
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
        var delivery = Delivery()
        for await _ in wakeups {
            while true {
                let now = clock.now
                switch state.withLock({ $0.next(now: now) }) {
                case .idle:
                    break
                case .wait(let deadline):
                    try await clock.sleep(until: deadline, tolerance: nil)
                    continue
                case .send(let text):
                    let id = try await send(text)
                    let sent = clock.now
                    state.withLock { $0.sent(messageID: id, text: text, at: sent) }
                    delivery.calls += 1
                    delivery.firstShown = .now
                    continue
                case .edit(let id, let text):
                    try await edit(id, text)
                    let edited = clock.now
                    state.withLock { $0.edited(text: text, at: edited) }
                    delivery.calls += 1
                    continue
                case .finish(let overflow):
                    for part in overflow {
                        _ = try await send(part)
                        delivery.calls += 1
                    }
                    return delivery
                }
                break
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
