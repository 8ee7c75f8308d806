import Foundation

/// Who may talk to the bot, as the Python gateway decides it (`gateway/authz_mixin.py`
/// `_is_user_authorized`, `_get_unauthorized_dm_behavior`). Nobody, by default: a platform user
/// is let in by the platform's allow-all switch, a pairing approval, an allowlist (the
/// platform's, its group lists, or the gateway's), or, when no allowlist is configured at all,
/// `GATEWAY_ALLOW_ALL_USERS`. An unknown user in a direct chat is offered a pairing code unless
/// an allowlist is configured (then the owner has chosen who may talk, and strangers get no
/// answer); in a group, an unknown sender is ignored.
public struct AccessPolicy: Sendable, Hashable {
    /// One platform's lists (for Telegram: `TELEGRAM_ALLOW_ALL_USERS`, `TELEGRAM_ALLOWED_USERS`,
    /// `TELEGRAM_GROUP_ALLOWED_USERS`, `TELEGRAM_GROUP_ALLOWED_CHATS`).
    public struct Platform: Sendable, Hashable {
        /// Everybody may talk to it.
        public var allowAll = false
        /// User ids allowed anywhere (`*`: everybody).
        public var allowedUsers: Set<String> = []
        /// Senders allowed in groups.
        public var groupAllowedUsers: Set<String> = []
        /// Group chats all of whose members may talk to it (`*`: every group).
        public var groupAllowedChats: Set<String> = []

        /// No lists.
        public init() {}
    }

    /// `GATEWAY_ALLOW_ALL_USERS`: honoured only when no allowlist is configured.
    public var allowAll = false
    /// `GATEWAY_ALLOWED_USERS`: user ids allowed on every platform.
    public var allowedUsers: Set<String> = []
    /// Each platform's own lists, by platform (`telegram`).
    public var platforms: [String: Platform] = [:]

    /// Nobody is allowed but those a pairing approves.
    public init() {}

    /// The policy the environment sets (the Python project's variables).
    public static func fromEnvironment(_ environment: [String: String]) -> AccessPolicy {
        func list(_ name: String) -> Set<String> {
            Set((environment[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        func truthy(_ name: String) -> Bool { ["true", "1", "yes"].contains((environment[name] ?? "").lowercased()) }
        var policy = AccessPolicy()
        policy.allowAll = truthy("GATEWAY_ALLOW_ALL_USERS")
        policy.allowedUsers = list("GATEWAY_ALLOWED_USERS")
        var telegram = Platform()
        telegram.allowAll = truthy("TELEGRAM_ALLOW_ALL_USERS")
        telegram.allowedUsers = list("TELEGRAM_ALLOWED_USERS")
        telegram.groupAllowedUsers = list("TELEGRAM_GROUP_ALLOWED_USERS")
        telegram.groupAllowedChats = list("TELEGRAM_GROUP_ALLOWED_CHATS")
        policy.platforms["telegram"] = telegram
        return policy
    }

    /// Everybody on every platform (the harness's own gateways, tests).
    public static var open: AccessPolicy {
        var policy = AccessPolicy()
        policy.allowAll = true
        return policy
    }

    /// Who sent a message, and where.
    public struct Sender: Sendable, Hashable {
        public var platform: String
        /// The sender's id; nil for service messages and anonymous posts.
        public var userID: String?
        public var chatID: String
        /// `dm`, `group`, `forum` or `channel`, as the Python adapters name them.
        public var chatType: String

        /// Makes a sender.
        public init(platform: String, userID: String?, chatID: String, chatType: String) {
            self.platform = platform
            self.userID = userID
            self.chatID = chatID
            self.chatType = chatType
        }
    }

    /// Whether `sender` may talk to the bot; `paired` says whether a pairing approved them.
    public func allows(_ sender: Sender, paired: Bool) -> Bool {
        let own = platforms[sender.platform] ?? Platform()
        let inGroup = ["group", "forum"].contains(sender.chatType)
        if ["group", "forum", "channel"].contains(sender.chatType),
            own.groupAllowedChats.contains("*") || own.groupAllowedChats.contains(sender.chatID)
        {
            return true
        }
        guard let user = sender.userID, !user.isEmpty else { return false }
        if own.allowAll || paired { return true }
        let groupUsers = inGroup ? own.groupAllowedUsers : []
        let groupChats = inGroup ? own.groupAllowedChats : []
        guard hasAllowlist(sender.platform, inGroup: inGroup) else { return allowAll }
        if groupChats.contains("*") || groupChats.contains(sender.chatID) { return true }
        // Chat ids (negative on Telegram) in the group-users list are read as chats, as Python still does.
        if groupUsers.contains(sender.chatID), sender.chatID.hasPrefix("-") { return true }
        let allowed = own.allowedUsers.union(groupUsers).union(allowedUsers)
        if allowed.contains("*") { return true }
        var candidates: Set<String> = [user]
        if let at = user.firstIndex(of: "@") { candidates.insert(String(user[..<at])) }
        return !allowed.isDisjoint(with: candidates)
    }

    /// Whether an unknown user in a direct chat is offered a pairing code: yes unless the owner
    /// configured an allowlist for the platform or the gateway.
    public func offersPairing(on platform: String) -> Bool {
        !hasAllowlist(platform, inGroup: true)
    }

    private func hasAllowlist(_ platform: String, inGroup: Bool) -> Bool {
        let own = platforms[platform] ?? Platform()
        return !own.allowedUsers.isEmpty || !allowedUsers.isEmpty
            || inGroup && (!own.groupAllowedUsers.isEmpty || !own.groupAllowedChats.isEmpty)
    }
}
