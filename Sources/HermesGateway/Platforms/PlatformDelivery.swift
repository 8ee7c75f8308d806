import HermesAgent
import HermesCore

/// What became of one chat-platform message the gateway accepted: reported once its reply is
/// fully delivered (or delivery failed), to `Gateway(onDelivery:)` and to
/// `hermes_platform_reply_duration_seconds`. An embedding application (hermes-bench among them)
/// learns from it when the user saw the whole answer, which the webhook's own 200 cannot say.
public struct PlatformDelivery: Sendable {
    /// How the message was answered.
    public enum Outcome: Sendable {
        /// The turn ran; its reply was sent (and edited as it streamed).
        case replied(TurnResult)
        /// The turn failed; the apology carries `message`.
        case turnFailed(message: String)
        /// The session's queue was full; the user was asked to send it again.
        case busy
    }

    /// `telegram`.
    public var platform: String
    /// The platform's id of the update (Telegram's `update_id`).
    public var updateID: Int64
    /// The session the message belongs to.
    public var session: SessionID
    /// When the gateway accepted the webhook.
    public var received: ContinuousClock.Instant
    /// When the first text of the reply reached the platform.
    public var firstShown: ContinuousClock.Instant?
    /// When the turn's reply was complete (nil when the session was busy); what follows is
    /// delivery alone: the edit rate limit and the platform's answer time.
    public var replyReady: ContinuousClock.Instant?
    /// When the last platform call of the reply returned.
    public var finished: ContinuousClock.Instant
    /// How it was answered.
    public var outcome: Outcome
    /// Why the platform did not get the (whole) reply, when it did not.
    public var deliveryError: String?

    /// Makes a report.
    public init(
        platform: String, updateID: Int64, session: SessionID, received: ContinuousClock.Instant,
        firstShown: ContinuousClock.Instant?, replyReady: ContinuousClock.Instant?, finished: ContinuousClock.Instant,
        outcome: Outcome, deliveryError: String? = nil
    ) {
        self.platform = platform
        self.updateID = updateID
        self.session = session
        self.received = received
        self.firstShown = firstShown
        self.replyReady = replyReady
        self.finished = finished
        self.outcome = outcome
        self.deliveryError = deliveryError
    }
}
