import Crypto
import Foundation
import HTTPTypes
import HermesAgent
import HermesCore
import HermesStore
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// `POST /webhook/{route}`: signed webhooks from other services (GitHub, GitLab, monitoring…),
/// as the Python project's webhook platform takes them. The body's HMAC-SHA256 under the
/// route's secret must be in `X-Hub-Signature-256: sha256=<hex>` (or the secret itself in
/// `X-Gitlab-Token`); the payload becomes the prompt of a turn in a session of its own, run in
/// the background, and the request is answered 202 at once.
package struct SignedWebhookRoutes: Sendable {
    let routes: [String: WebhookRoute]
    let runner: TurnRunner
    let background: BackgroundTurns
    let maxBodyBytes: Int
    let seen: RecentIDs
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.post("webhook/:route") { request, context in
            var request = request
            let name = context.parameters.get("route") ?? ""
            guard let route = routes[name] else {
                throw OpenAIError(.notFound, "Unknown route: \(name)", code: "not_found")
            }
            let body = try await request.collectBody(upTo: maxBodyBytes)
            guard Self.verify(request.headers, body: body, secret: route.secret) else {
                logger.warning("webhook signature rejected", metadata: ["route": "\(name)"])
                throw OpenAIError(.unauthorized, "Invalid signature", code: "invalid_signature")
            }
            return try accept(request.headers, body: body, route: route, name: name)
        }
    }

    /// Whether the request carries a valid signature of `body` (compared in constant time).
    package static func verify(_ headers: HTTPFields, body: ByteBuffer, secret: String) -> Bool {
        let key = SymmetricKey(data: Data(secret.utf8))
        if let signature = headers[HTTPField.Name("X-Hub-Signature-256")!] {
            guard signature.hasPrefix("sha256="), let mac = Self.bytes(hex: signature.dropFirst(7)) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(buffer: body), using: key)
        }
        if let token = headers[HTTPField.Name("X-Gitlab-Token")!] {
            return constantTimeEqual(Array(token.utf8), Array(secret.utf8))
        }
        return false
    }

    /// What a signed webhook's body asks for, read with no side effect: an event the route does
    /// not take, or a turn with its delivery id and prompt.
    package enum Delivery: Equatable, Sendable {
        case ignored(event: String)
        case turn(event: String, id: String, prompt: String)
    }

    /// Reads a verified body: a JSON object, its event (the GitHub or GitLab header, else the
    /// payload's `event_type` or `type`), its delivery id (a header, else `now` in milliseconds)
    /// and the route's prompt filled from it.
    package static func read(
        _ headers: HTTPFields, body: ByteBuffer, route: WebhookRoute, name: String, now: Date = Date()
    ) throws(OpenAIError) -> Delivery {
        guard case .object(let payload)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) else {
            throw OpenAIError(.badRequest, "Cannot parse body: send a JSON object")
        }
        let event =
            headers[HTTPField.Name("X-GitHub-Event")!] ?? headers[HTTPField.Name("X-Gitlab-Event")!]
            ?? payload["event_type"]?.stringValue ?? payload["type"]?.stringValue ?? "unknown"
        if !route.events.isEmpty, !route.events.contains(event) { return .ignored(event: event) }
        let id =
            headers[HTTPField.Name("X-GitHub-Delivery")!] ?? headers[HTTPField.Name("X-Request-ID")!]
            ?? String(Int(now.timeIntervalSince1970 * 1000))
        return .turn(event: event, id: id, prompt: WebhookPrompt.render(route.prompt, payload: payload, event: event, route: name))
    }

    private func accept(_ headers: HTTPFields, body: ByteBuffer, route: WebhookRoute, name: String) throws -> Response {
        let (event, delivery, prompt): (String, String, String)
        switch try Self.read(headers, body: body, route: route, name: name) {
        case .ignored(let event):
            return OpenAIRoutes.json(#"{"status":"ignored","event":\#(jsonQuoted(event))}"#)
        case .turn(let kind, let id, let text):
            (event, delivery, prompt) = (kind, id, text)
        }
        let key = "webhook:\(name):\(delivery)"
        guard seen.insert(key) else {
            return OpenAIRoutes.json(#"{"status":"duplicate","delivery_id":\#(jsonQuoted(delivery))}"#)
        }
        let request = TurnRequest(
            session: NewSession(
                id: SessionID("webhook-\(name)-" + Self.safe(delivery)), source: "webhook", userID: "webhook:\(name)",
                chatID: key, chatType: "webhook"),
            text: prompt)
        do throws(GatewayError) {
            let turn = try runner.admit(request)
            let logger = logger
            guard
                background.submit({
                    do {
                        _ = try await turn.run()
                    } catch {
                        logger.warning("webhook turn failed", metadata: ["route": "\(name)", "error": "\(error)"])
                    }
                })
            else {
                throw GatewayError(.shuttingDown, "the gateway is shutting down; retry later")
            }
        } catch {
            seen.remove(key)
            throw OpenAIError(error, retryAfterSeconds: 1)
        }
        return OpenAIRoutes.json(
            #"{"status":"accepted","route":\#(jsonQuoted(name)),"event":\#(jsonQuoted(event)),"delivery_id":\#(jsonQuoted(delivery))}"#,
            status: .accepted)
    }

    /// A delivery id made safe for a session id (letters, digits, `-`, `_`, `.`).
    private static func safe(_ text: String) -> String {
        String(text.prefix(128).map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    /// The bytes of `hex`, two digits each; nil unless every character is a hex digit (a bare
    /// `UInt8(_:radix:)` would also take a sign).
    private static func bytes(hex: Substring) -> Data? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var data = Data(capacity: digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            data.append(high << 4 | low)
        }
        return data
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
