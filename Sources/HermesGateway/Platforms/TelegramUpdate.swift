/// The part of a Telegram `Update` the gateway acts on: a text message in a chat.
package struct TelegramUpdate: Decodable, Sendable {
    package struct Chat: Decodable, Sendable {
        package var id: Int64
        package var type: String?
        package var isForum: Bool?

        enum CodingKeys: String, CodingKey {
            case id, type
            case isForum = "is_forum"
        }
    }

    package struct User: Decodable, Sendable {
        package var id: Int64
        package var firstName: String?
        package var username: String?

        /// What the pairing list shows of the user.
        package var name: String { firstName ?? username ?? "" }

        enum CodingKeys: String, CodingKey {
            case id, username
            case firstName = "first_name"
        }
    }

    package struct Message: Decodable, Sendable {
        package var messageID: Int
        package var chat: Chat
        package var from: User?
        package var text: String?
        package var threadID: Int?
        package var isTopicMessage: Bool?

        enum CodingKeys: String, CodingKey {
            case chat, from, text
            case messageID = "message_id"
            case threadID = "message_thread_id"
            case isTopicMessage = "is_topic_message"
        }

        /// The chat kind as the Python adapter names it: `dm`, `group`, `forum` (a topic of a
        /// forum supergroup) or `channel`.
        package var chatKind: String {
            switch chat.type ?? "private" {
            case "private": "dm"
            case "supergroup": threadID != nil && (isTopicMessage == true || chat.isForum == true) ? "forum" : "group"
            case let other: other
            }
        }
    }

    package var updateID: Int64
    package var message: Message?

    enum CodingKeys: String, CodingKey {
        case message
        case updateID = "update_id"
    }
}
