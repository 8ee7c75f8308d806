/// The part of a Telegram `Update` the gateway acts on: a text message in a chat.
struct TelegramUpdate: Decodable, Sendable {
    struct Chat: Decodable, Sendable {
        var id: Int64
        var type: String?
    }

    struct User: Decodable, Sendable {
        var id: Int64
    }

    struct Message: Decodable, Sendable {
        var messageID: Int
        var chat: Chat
        var from: User?
        var text: String?
        var threadID: Int?

        enum CodingKeys: String, CodingKey {
            case chat, from, text
            case messageID = "message_id"
            case threadID = "message_thread_id"
        }
    }

    var updateID: Int64
    var message: Message?

    enum CodingKeys: String, CodingKey {
        case message
        case updateID = "update_id"
    }
}
