import AsyncHTTPClient
import Foundation
import HermesCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Calls the Telegram Bot API (`sendMessage`, `editMessageText`) at a configurable base URL, so a
/// platform simulator can stand in for Telegram in tests and benchmarks.
struct TelegramClient: Sendable {
    let baseURL: String
    let token: String
    let httpClient: HTTPClient

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct Reply: Decodable {
        struct Sent: Decodable {
            var messageID: Int
            enum CodingKeys: String, CodingKey { case messageID = "message_id" }
        }
        var ok: Bool
        var result: Sent?
        var description: String?
    }

    /// Sends `text` to `chat`; returns the new message's id.
    func sendMessage(chat: Int64, text: String, thread: Int?, replyTo: Int?) async throws -> Int {
        var body = #"{"chat_id":\#(chat),"text":\#(jsonQuoted(text))"#
        if let thread { body += #","message_thread_id":\#(thread)"# }
        if let replyTo { body += #","reply_to_message_id":\#(replyTo)"# }
        let reply = try await call("sendMessage", body: body + "}")
        guard let sent = reply.result else { throw Failure(description: "sendMessage answered without a message") }
        return sent.messageID
    }

    /// Replaces the text of message `id` in `chat`.
    func editMessageText(chat: Int64, id: Int, text: String) async throws {
        _ = try await call("editMessageText", body: #"{"chat_id":\#(chat),"message_id":\#(id),"text":\#(jsonQuoted(text))}"#)
    }

    private func call(_ method: String, body: String) async throws -> Reply {
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await httpClient.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        let reply = try? JSONDecoder().decode(Reply.self, from: Data(buffer: data))
        guard response.status == .ok, let reply, reply.ok else {
            throw Failure(
                description:
                    "Telegram \(method) answered \(response.status.code): \(reply?.description ?? String(buffer: data).prefix(200).description)")
        }
        return reply
    }
}
