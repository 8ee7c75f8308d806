import AsyncHTTPClient
import Foundation
import HTTPTypes
import HermesAgent
import HermesCore
import HermesStore
import HermesTelemetry
import HermesTools
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// `POST /webhook/telegram`: Telegram's webhook. The update is checked and answered at once;
/// its turn runs in the background and the reply is sent, then edited as tokens stream.
struct TelegramRoutes: Sendable {
    let settings: TelegramSettings
    let runner: TurnRunner
    let background: BackgroundTurns
    let maxBodyBytes: Int
    let seen: RecentIDs
    let client: TelegramClient
    let access: AccessPolicy
    let pairing: PairingStore?
    /// Where `/approve` and `/deny` go.
    let approvals: ChatApprovals
    let metrics: HermesMetrics
    let clock: any HermesClock
    let logger: Logger
    /// Hears what became of each accepted message.
    let report: @Sendable (PlatformDelivery) -> Void

    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    func register(on router: Router<BasicRequestContext>) {
        router.post("webhook/telegram") { request, _ in
            var request = request
            guard verified(request) else {
                throw OpenAIError(.unauthorized, "bad or missing X-Telegram-Bot-Api-Secret-Token", code: "invalid_secret_token")
            }
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let update: TelegramUpdate
            do {
                update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(buffer: body))
            } catch {
                throw OpenAIError(.badRequest, "not a Telegram update: \(error)")
            }
            return await accept(update)
        }
    }

    private func verified(_ request: Request) -> Bool {
        guard let secret = settings.secretToken else { return true }
        return constantTimeEqual(Array((request.headers[Self.secretHeader] ?? "").utf8), Array(secret.utf8))
    }

    /// Admits the update's turn in arrival order and hands it to the background; 503 when the
    /// gateway is stopping (Telegram then retries, so nothing is lost).
    private func accept(_ update: TelegramUpdate) async -> Response {
        let received = ContinuousClock.now
        guard let message = update.message, let text = message.text,
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return Self.ok }
        let key = "telegram:\(update.updateID)"
        guard seen.insert(key) else { return Self.ok }
        let chat = message.chat.id
        let sender = AccessPolicy.Sender(
            platform: "telegram", userID: message.from.map { String($0.id) }, chatID: String(chat), chatType: message.chatKind)
        guard await allowed(sender) else {
            metrics.recordUnauthorizedMessage(platform: "telegram")
            if sender.chatType == "dm", let user = sender.userID, let pairing, access.offersPairing(on: "telegram") {
                _ = background.submit { await offerPairing(to: user, name: message.from?.name ?? "", in: message, store: pairing) }
            }
            return Self.ok
        }
        let session = SessionID("telegram-\(chat)" + (message.threadID.map { "-\($0)" } ?? ""))
        if let command = ApprovalCommand(text) {
            // Answered at once, outside the session's queue, where the turn it resumes is waiting.
            let reply = command.apply(to: approvals, session: session.rawValue)
            let client = client
            _ = background.submit {
                do {
                    _ = try await client.sendMessage(chat: chat, text: reply, thread: message.threadID, replyTo: message.messageID)
                } catch {
                    logger.warning("telegram approval reply failed", metadata: ["error": "\(error)"])
                }
            }
            return Self.ok
        }
        let request = TurnRequest(
            session: NewSession(
                id: session, source: "telegram", userID: message.from.map { String($0.id) }, chatID: String(chat),
                chatType: message.chat.type, threadID: message.threadID.map(String.init)),
            text: text)
        let client = client
        let delivery = PlatformDelivery(
            platform: "telegram", updateID: update.updateID, session: session, received: received, firstShown: nil,
            replyReady: nil, finished: received, outcome: .busy)
        let job: BackgroundTurns.Job
        do throws(GatewayError) {
            let turn = try runner.admit(request)
            job = { await deliver(turn, to: message, client: client, delivery) }
        } catch  where error.code == .queueFull {
            job = {
                var delivery = delivery
                do {
                    _ = try await client.sendMessage(
                        chat: chat, text: "I'm still working on your earlier messages; send this again in a moment.",
                        thread: message.threadID, replyTo: message.messageID)
                    delivery.firstShown = .now
                } catch {
                    logger.warning("telegram busy reply failed", metadata: ["error": "\(error)"])
                    delivery.deliveryError = "\(error)"
                }
                delivery.finished = .now
                report(delivery)
            }
        } catch {
            seen.remove(key)
            return Self.unavailable
        }
        guard background.submit(job) else {
            seen.remove(key)
            return Self.unavailable
        }
        return Self.ok
    }

    /// Whether the sender may talk to the bot: the policy's lists first, the pairing files only
    /// for those the lists leave out.
    private func allowed(_ sender: AccessPolicy.Sender) async -> Bool {
        if access.allows(sender, paired: false) { return true }
        guard let pairing, let user = sender.userID else { return false }
        do {
            return access.allows(sender, paired: try await pairing.perform { try $0.isApproved(platform: "telegram", user: user) })
        } catch {
            logger.warning("pairing store unreadable; refusing", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Answers an unknown user in a direct chat as the Python gateway does: a pairing code for the
    /// owner to approve, or, past the limits, one "too many requests" reply; within 10 minutes of
    /// an answer, nothing.
    private func offerPairing(to user: String, name: String, in message: TelegramUpdate.Message, store: PairingStore) async {
        do {
            let code: String?? = try await store.perform { files in
                guard try !files.isRateLimited(platform: "telegram", user: user) else { return .none }
                return .some(try files.generateCode(platform: "telegram", user: user, name: name))
            }
            guard let code else { return }
            let text: String
            if let code {
                text =
                    "Hi~ I don't recognize you yet!\n\nHere's your pairing code: `\(code)`\n\nAsk the bot owner to run:\n`hermes pairing approve telegram \(code)`"
            } else {
                text = "Too many pairing requests right now~ Please try again later!"
                try await store.perform { try $0.recordRequest(platform: "telegram", user: user) }
            }
            _ = try await client.sendMessage(chat: message.chat.id, text: text, thread: message.threadID, replyTo: nil)
        } catch {
            logger.warning("telegram pairing reply failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs the turn and streams its reply into one message, edited at most once per `editInterval`.
    private func deliver(
        _ turn: AdmittedTurn, to message: TelegramUpdate.Message, client: TelegramClient, _ delivery: PlatformDelivery
    ) async {
        var delivery = delivery
        var result: TurnResult?
        let stream = TelegramReplyStream(client: client, interval: settings.editInterval, clock: clock)
        let streamed = await stream.deliver(to: message.chat.id, thread: message.threadID, replyTo: message.messageID) {
            onEvent throws(GatewayError) in
            result = try await turn.run(onEvent: onEvent)
            return result?.reply
        }
        if let error = streamed.error {
            logger.warning("telegram turn failed", metadata: ["hermes.session.id": "\(turn.request.session.id)", "error": "\(error)"])
            delivery.outcome = .turnFailed(message: error.message)
        } else if let result {
            delivery.outcome = .replied(result)
        }
        if let error = streamed.deliveryError {
            logger.warning("telegram delivery failed", metadata: ["chat": "\(message.chat.id)", "error": "\(error)"])
        }
        delivery.replyReady = streamed.replyReady
        delivery.firstShown = streamed.firstShown
        delivery.deliveryError = streamed.deliveryError
        delivery.finished = .now
        report(delivery)
    }

    private static var ok: Response { OpenAIRoutes.json(#"{"ok":true}"#) }

    private static var unavailable: Response {
        OpenAIError(.serviceUnavailable, "the gateway is shutting down; retry later", type: "server_error").response
    }
}
