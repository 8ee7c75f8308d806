import Crypto
import Foundation
import HTTPTypes
import HermesCore
import HermesGateway
import NIOCore

extension FuzzTarget {
    /// The gateway's limits, as shipped.
    private static let limits = GatewayConfiguration()

    /// `POST /v1/chat/completions` bodies.
    static let chatBody = FuzzTarget(
        name: "chat-body",
        summary: "a /v1/chat/completions body, with the gateway's default limits: a refusal is a 400 in a JSON envelope; "
            + "an accepted body has a non-blank input and history within the message limit"
    ) { bytes throws(FuzzFailure) in
        let body: ChatCompletionBody
        do throws(OpenAIError) {
            body = try ChatCompletionBody(
                parsing: Data(bytes), maxMessages: limits.maxMessages, maxCharacters: limits.maxRequestCharacters)
        } catch {
            try check(error.status == .badRequest, "a body was refused with \(error.status), not 400")
            try check((try? JSONValue(parsing: error.body)) != nil, "the refusal's body is not JSON: \(error.body)")
            return
        }
        try check(!body.input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "a body with a blank input was accepted")
        try check(body.history.count < limits.maxMessages, "\(body.history.count) earlier messages passed the limit")
    }

    /// Telegram webhook updates.
    static let telegramUpdate = FuzzTarget(
        name: "telegram-update",
        summary: "a Telegram update as the webhook reads it: the chat kind is one the access rules know, "
            + "and the default policy admits nobody who is not paired"
    ) { bytes throws(FuzzFailure) in
        guard let update = try? JSONDecoder().decode(TelegramUpdate.self, from: Data(bytes)), let message = update.message else {
            return
        }
        let kind = message.chatKind
        try check(
            ["dm", "group", "forum"].contains(kind) || kind == message.chat.type,
            "chat type \(message.chat.type ?? "nil") became '\(kind)'")
        let sender = AccessPolicy.Sender(
            platform: "telegram", userID: message.from.map { String($0.id) }, chatID: String(message.chat.id), chatType: kind)
        try check(!AccessPolicy().allows(sender, paired: false), "the default policy admitted an unpaired \(sender)")
    }

    /// Signed webhooks: the signature check, then the body read into a prompt.
    ///
    /// The input is four fields cut at zero bytes: the route's secret, an `X-Hub-Signature-256`
    /// value, the prompt template and the body.
    static let signedWebhook = FuzzTarget(
        name: "signed-webhook",
        summary: "secret, X-Hub-Signature-256, template and body (fields cut at NUL bytes): a signature passes only "
            + "when it is the body's HMAC in hex, the right one always passes, and the prompt is filled without a crash"
    ) { bytes throws(FuzzFailure) in
        let fields = bytes.fields(4)
        let (secret, signature, template, text) = (fields[0], fields[1], fields[2], fields[3])
        let body = ByteBuffer(string: text)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let expected = "sha256=" + Array(mac).hexEncoded
        let hub = HTTPField.Name("X-Hub-Signature-256")!
        // What a request can carry: HTTPField drops or replaces bytes a header value cannot hold.
        let sent = HTTPField(name: hub, value: signature)
        if SignedWebhookRoutes.verify(HTTPFields([sent]), body: body, secret: secret) {
            try check(sent.value.lowercased() == expected, "signature '\(sent.value)' passed; only \(expected) should")
        }
        try check(SignedWebhookRoutes.verify([hub: expected], body: body, secret: secret), "the body's own HMAC was refused")
        let gitlab = HTTPField(name: HTTPField.Name("X-Gitlab-Token")!, value: secret)
        // A secret with bytes a header cannot carry cannot be sent as a token.
        if gitlab.value == secret {
            try check(SignedWebhookRoutes.verify(HTTPFields([gitlab]), body: body, secret: secret), "the route's own GitLab token was refused")
        }
        let route = WebhookRoute(secret: secret, prompt: template, events: template.isEmpty ? [] : ["push"])
        let delivery: SignedWebhookRoutes.Delivery
        do throws(OpenAIError) {
            delivery = try SignedWebhookRoutes.read([:], body: body, route: route, name: "fuzz", now: Date(timeIntervalSince1970: 0))
        } catch {
            try check(error.status == .badRequest, "a body was refused with \(error.status), not 400")
            return
        }
        if case .turn(let event, let id, let prompt) = delivery {
            try check(id == "0", "the delivery id without headers is '\(id)', not the clock's")
            if template.isEmpty { try check(prompt.contains("'\(event)'"), "the default prompt does not name event '\(event)'") }
        }
    }
}
