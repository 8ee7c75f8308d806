/// The part of a Telegram `Update` the gateway acts on: a text message in a chat.
struct TelegramUpdate: Decodable, Sendable {
    struct Chat: Decodable, Sendable {
        var id: Int64
        var type: String?
        var isForum: Bool?

        enum CodingKeys: String, CodingKey {
            case id, type
            case isForum = "is_forum"
        }
    }

    struct User: Decodable, Sendable {
        var id: Int64
        var firstName: String?
        var username: String?

        /// What the pairing list shows of the user.
        var name: String { firstName ?? username ?? "" }

        enum CodingKeys: String, CodingKey {
            case id, username
            case firstName = "first_name"
        }
    }

    struct Message: Decodable, Sendable {
        var messageID: Int
        var chat: Chat
        var from: User?
        var text: String?
        var threadID: Int?
        var isTopicMessage: Bool?

        enum CodingKeys: String, CodingKey {
            case chat, from, text
            case messageID = "message_id"
            case threadID = "message_thread_id"
            case isTopicMessage = "is_topic_message"
        }
    }

    var updateID: Int64
    var message: Message?

    enum CodingKeys: String, CodingKey {
        case message
        case updateID = "update_id"
    }
}
