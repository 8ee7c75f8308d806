import HermesCore

/// What a streamed reply's delivery does next, as a value: the first text is sent as a new
/// message at once; later text edits that message, no sooner than `interval` after the previous
/// call returned; text that arrives meanwhile is folded into the next edit; once the reply is
/// finished, what does not fit one message follows in new ones. `EditCoalescer` carries the
/// actions out; the rules are tested with instants alone (`EditCoalescerStateMachineTests`).
struct EditCoalescerStateMachine: Sendable {
    /// What to do now.
    enum Action: Sendable, Hashable {
        /// Send `text` as a new message, then report `sent(messageID:text:at:)`.
        case send(String)
        /// Replace message `id`'s text by `text`, then report `edited(text:at:)`.
        case edit(id: Int, text: String)
        /// Nothing may be sent before this instant: sleep until then and ask again.
        case wait(until: ContinuousClock.Instant)
        /// The reply is finished and shown: send these overflow parts as new messages, then stop.
        case finish(overflow: [String])
        /// Nothing to do until more text arrives or the reply finishes.
        case idle
    }

    let interval: Duration
    let maxLength: Int
    private var text = ""
    private var finished = false
    private var messageID: Int?
    private var shown = ""
    private var nextAllowed: ContinuousClock.Instant?

    init(interval: Duration, maxLength: Int) {
        self.interval = interval
        self.maxLength = max(1, maxLength)
    }

    /// More reply text.
    mutating func append(_ piece: String) { text += piece }

    /// The reply is complete; `text`, when given, replaces what was streamed.
    mutating func finish(with replacement: String?) {
        if let replacement { text = replacement }
        finished = true
    }

    /// The next action at `now`.
    func next(now: ContinuousClock.Instant) -> Action {
        let parts = EditCoalescer.split(text, maxLength: maxLength)
        let first = parts.first ?? ""
        if !first.isEmpty, first != shown {
            guard let messageID else { return .send(first) }
            if let nextAllowed, now < nextAllowed { return .wait(until: nextAllowed) }
            return .edit(id: messageID, text: first)
        }
        return finished ? .finish(overflow: Array(parts.dropFirst())) : .idle
    }

    /// The message with `text` was sent as `messageID`; the call returned at `now`.
    mutating func sent(messageID: Int, text: String, at now: ContinuousClock.Instant) {
        self.messageID = messageID
        shown = text
        nextAllowed = now + interval
    }

    /// The message now shows `text`; the call returned at `now`.
    mutating func edited(text: String, at now: ContinuousClock.Instant) {
        shown = text
        nextAllowed = now + interval
    }
}
