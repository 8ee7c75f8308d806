import Foundation
import HermesCore

/// What `session_search` answers for one call's arguments, over `history`, leaving out
/// `currentSession` and its lineage (they are already in the model's context). Public so that
/// tests can read dates in a fixed time zone; the tool uses the machine's, as Python does.
public struct SessionSearch: Sendable {
    /// Sessions of third-party integrations and delegated subagents: never the user's history.
    static let hiddenSources = ["subagent", "tool"]
    /// Automation that stays searchable but ranks below interactive sessions: a cron job's
    /// repetitive vocabulary would otherwise fill every top-N.
    static let demotedSources: Set<String> = ["cron"]
    /// Matches read before grouping by lineage, well above a typical result's distinct sessions,
    /// so interactive matches under a wall of cron ones are still in hand.
    static let discoverScanLimit = 300

    private let history: any SessionHistory
    private let currentSession: SessionID?
    private let timeZone: TimeZone

    /// An answerer for calls made by `currentSession`, showing dates in `timeZone`.
    public init(history: any SessionHistory, currentSession: SessionID?, timeZone: TimeZone = .current) {
        self.history = history
        self.currentSession = currentSession
        self.timeZone = timeZone
    }

    /// The tool result for `arguments` (already checked against the schema).
    public func answer(_ arguments: JSONValue) async -> String {
        var sessionID = arguments["session_id"]?.stringValue
        var profile = arguments["profile"]?.stringValue
        // A raw `@session:<profile>/<id>` value: ids never hold "/", so what precedes it is the profile.
        if let given = sessionID, let slash = given.firstIndex(of: "/") {
            let embeddedID = String(given[given.index(after: slash)...])
            let embeddedProfile = String(given[..<slash])
            if !embeddedID.isEmpty {
                sessionID = embeddedID
                if !embeddedProfile.isEmpty, Self.isBlank(profile) { profile = embeddedProfile }
            }
        }
        if let profile, !Self.isBlank(profile), let refusal = profileRefusal(profile) { return refusal.text }

        let id = sessionID.map(Self.trimmed) ?? ""
        if !id.isEmpty, let anchor = arguments["around_message_id"], anchor != .null {
            return await scroll(session: SessionID(id), anchor: anchor, window: arguments["window"]).text
        }
        if !id.isEmpty { return await read(SessionID(id)).text }

        let limit = min(max(Self.integer(arguments["limit"]) ?? 3, 1), 10)
        let query = Self.trimmed(arguments["query"]?.stringValue ?? "")
        guard !query.isEmpty else { return await browse(limit: limit).text }
        let roles = (arguments["role_filter"]?.stringValue ?? "").split(separator: ",").map { Self.trimmed(String($0)) }
            .filter { !$0.isEmpty }
        let sort = arguments["sort"]?.stringValue.map { Self.trimmed($0).lowercased() }.flatMap {
            $0 == "newest" || $0 == "oldest" ? $0 : nil
        }
        return await discover(query, roles: roles.isEmpty ? ["user", "assistant"] : roles, limit: limit, sort: sort).text
    }

    /// Nil when `profile` names the profile these sessions belong to.
    private func profileRefusal(_ profile: String) -> PythonJSON? {
        let wanted = Self.trimmed(profile).lowercased()
        guard wanted != history.profile.lowercased() else { return nil }
        return .toolError(
            "profile '\(profile)': this build reads the current profile's sessions only (\(history.profile)); "
                + "run Hermes with that profile to read its sessions")
    }

    // MARK: - Read

    private func read(_ session: SessionID, head: Int = 20, tail: Int = 10) async -> PythonJSON {
        guard let meta = try? await history.session(session) else { return .toolError("session_id not found: \(session)") }
        let messages: [PastMessage]
        do {
            messages = try await history.messages(in: session)
        } catch {
            return .toolError("failed to load session: \(error)")
        }
        let truncated = messages.count > head + tail
        let shown = truncated ? Array(messages.prefix(head)) + Array(messages.suffix(tail)) : messages
        var members: [PythonJSON.Member] = [
            .init("success", true), .init("mode", "read"), .init("session_id", .string(session.rawValue)),
            .init("session_meta", sessionMeta(meta)), .init("message_count", .int(messages.count)),
            .init("truncated", .bool(truncated)), .init("messages", .array(shown.map { Self.shape($0) })),
        ]
        if truncated {
            members.append(
                .init(
                    "message",
                    .string(
                        "Session has \(messages.count) messages; showing first \(head) + last \(tail). "
                            + "Pass around_message_id (any id above) to scroll the middle.")))
        }
        return .object(members)
    }

    // MARK: - Browse

    private func browse(limit: Int) async -> PythonJSON {
        let sessions: [PastSession]
        do {
            // A few more than asked, since the current session is skipped.
            sessions = try await history.recentSessions(excludingSources: Self.hiddenSources, limit: limit + 5)
        } catch {
            return .toolError("Failed to list recent sessions: \(error)")
        }
        let currentRoot = await currentSession.asyncMap { await lineageRoot(of: $0) }
        var results: [PythonJSON] = []
        for session in sessions {
            if currentRoot != nil, session.id == currentRoot || session.id == currentSession { continue }
            // Delegations and branches belong to the conversation they came from.
            if session.parentID != nil { continue }
            results.append(
                .object([
                    "session_id": .string(session.id.rawValue), "title": .optional(session.title.flatMap(Self.nonEmpty)),
                    "source": .string(session.source), "started_at": .double(session.startedAt),
                    "last_active": .double(session.lastActive), "message_count": .int(session.messageCount),
                    "preview": .string(session.preview),
                ]))
            if results.count >= limit { break }
        }
        return .object([
            "success": true, "mode": "browse", "results": .array(results), "count": .int(results.count),
            "message": .string(
                "Showing \(results.count) most recent sessions. Pass a query= to search, or session_id+around_message_id to scroll."
            ),
        ])
    }

    // MARK: - Scroll

    private func scroll(session requested: SessionID, anchor value: JSONValue, window windowValue: JSONValue?) async -> PythonJSON {
        guard let anchor = Self.integer(value) else { return .toolError("scroll requires integer around_message_id") }
        let window = min(max(Self.integer(windowValue) ?? 5, 1), 20)
        var session = requested
        if let currentSession {
            let (anchorRoot, currentRoot) = (await lineageRoot(of: session), await lineageRoot(of: currentSession))
            if anchorRoot == currentRoot {
                return .toolError(
                    "scroll rejected: anchor lives in the current session lineage (already in your active context)")
            }
        }
        guard var meta = try? await history.session(session) else { return .toolError("session_id not found: \(session)") }
        var view: PastWindow
        do {
            view = try await history.messages(around: Int64(anchor), in: session, window: window)
        } catch {
            return .toolError("failed to load messages: \(error)")
        }
        // The anchor may live in a continuation of the named session (compression and delegation
        // make child sessions): read it there, saying so.
        var warning: String?
        if view.messages.isEmpty, let owner = try? await history.sessionID(owningMessage: Int64(anchor)), owner != session,
            await lineageRoot(of: session) == lineageRoot(of: owner),
            let rebound = try? await history.messages(around: Int64(anchor), in: owner, window: window), !rebound.messages.isEmpty
        {
            view = rebound
            warning = "around_message_id \(anchor) lives in \(owner) (child of \(session)); rebound transparently"
            if let ownerMeta = try? await history.session(owner) { meta = ownerMeta }
            session = owner
        }
        guard !view.messages.isEmpty else { return .toolError("around_message_id \(anchor) not in session_id \(session)") }
        var members: [PythonJSON.Member] = [
            .init("success", true), .init("mode", "scroll"), .init("session_id", .string(session.rawValue)),
            .init("around_message_id", .int(anchor)), .init("session_meta", sessionMeta(meta)), .init("window", .int(window)),
            .init("messages", .array(view.messages.map { Self.shape($0, anchor: Int64(anchor)) })),
            .init("messages_before", .int(view.before)), .init("messages_after", .int(view.after)),
        ]
        if let warning { members.append(.init("warning", .string(warning))) }
        return .object(members)
    }

    // MARK: - Discover

    private func discover(_ query: String, roles: [String], limit: Int, sort: String?) async -> PythonJSON {
        let currentRoot = await currentSession.asyncMap { await lineageRoot(of: $0) }
        let titled = await titleMatch(query, currentRoot: currentRoot)
        var matches: [PastMatch]
        do {
            matches = try await history.search(
                PastSearch(text: query, roles: roles, excludedSources: Self.hiddenSources, sort: sort, limit: Self.discoverScanLimit))
        } catch {
            return .toolError("Search failed: \(error)")
        }
        // Interactive sessions before automation; the order within each stays the search's.
        matches = matches.filter { !Self.demotedSources.contains($0.source) } + matches.filter { Self.demotedSources.contains($0.source) }
        guard !matches.isEmpty || titled != nil else {
            return .object([
                "success": true, "mode": "discover", "query": .string(query), "results": .array([]), "count": 0,
                "message": "No matching sessions found.",
            ])
        }

        // One match per lineage, keeping the session that holds it: only that pairs with its message id.
        var seen: [SessionID] = []
        var picked: [(root: SessionID, match: PastMatch)] = []
        var results: [PythonJSON] = []
        if let titled {
            seen.append(titled.root)
            results.append(titled.entry)
        }
        var roots: [SessionID: SessionID] = [:]
        for match in matches {
            if seen.count >= limit { break }
            let root: SessionID
            if let known = roots[match.sessionID] {
                root = known
            } else {
                root = await lineageRoot(of: match.sessionID)
                roots[match.sessionID] = root
            }
            if currentRoot != nil, root == currentRoot { continue }
            if match.sessionID == currentSession { continue }
            if !seen.contains(root) {
                seen.append(root)
                picked.append((root, match))
            }
        }

        for (root, match) in picked {
            guard
                let view = try? await history.anchoredView(around: match.messageID, in: match.sessionID, window: 5, bookend: 3)
            else { continue }
            let meta = try? await history.session(root)
            var members: [PythonJSON.Member] = [
                .init("session_id", .string(match.sessionID.rawValue)),
                .init("when", .string(format(meta?.startedAt ?? match.sessionStartedAt))),
                .init("source", .string(meta.flatMap { Self.nonEmpty($0.source) } ?? match.source)),
                .init("model", .string(meta?.model.flatMap(Self.nonEmpty) ?? match.model.flatMap(Self.nonEmpty) ?? "unknown")),
                .init("title", .optional(meta?.title.flatMap(Self.nonEmpty))),
                .init("matched_role", .string(match.role)),
                .init("match_message_id", .int(Int(match.messageID))),
                .init("snippet", .string(match.snippet)),
                .init("bookend_start", .array(view.opening.map { Self.shape($0) })),
                .init("messages", .array(view.window.messages.map { Self.shape($0, anchor: match.messageID) })),
                .init("bookend_end", .array(view.closing.map { Self.shape($0) })),
                .init("messages_before", .int(view.window.before)),
                .init("messages_after", .int(view.window.after)),
            ]
            if root != match.sessionID { members.append(.init("parent_session_id", .string(root.rawValue))) }
            results.append(.object(members))
        }
        return .object([
            "success": true, "mode": "discover", "query": .string(query), "results": .array(results),
            "count": .int(results.count), "sessions_searched": .int(seen.count),
        ])
    }

    /// The discovery entry of a session whose title the query names (quotes around it ignored),
    /// opening at its first message; nil when none does, or it is the current lineage's or hidden.
    private func titleMatch(_ query: String, currentRoot: SessionID?) async -> (root: SessionID, entry: PythonJSON)? {
        let title = Self.trimmed(query).trimmingCharacters(in: CharacterSet(charactersIn: "`'\""))
        guard !title.isEmpty, let session = try? await history.sessionID(titled: title) else { return nil }
        let root = await lineageRoot(of: session)
        if let currentRoot, root == currentRoot { return nil }
        var meta = try? await history.session(root)
        if meta == nil { meta = try? await history.session(session) }
        if let source = meta?.source, Self.hiddenSources.contains(source) { return nil }
        let messages = (try? await history.messages(in: session)) ?? []
        let anchor = messages.first?.id
        var view: PastAnchoredView?
        if let anchor { view = try? await history.anchoredView(around: anchor, in: session, window: 5, bookend: 3) }
        // As in Python, an empty slice of the view falls back to the session's own first or last messages.
        let opening = view.map(\.opening).flatMap(Self.nonEmptyList) ?? Array(messages.prefix(3))
        let window = view.map(\.window.messages).flatMap(Self.nonEmptyList) ?? Array(messages.prefix(5))
        let closing = view.map(\.closing).flatMap(Self.nonEmptyList) ?? Array(messages.suffix(3))
        let shownTitle = meta?.title.flatMap(Self.nonEmpty) ?? title
        var members: [PythonJSON.Member] = [
            .init("session_id", .string(session.rawValue)),
            .init("when", .string(meta.map { format($0.startedAt) } ?? "unknown")),
            .init("source", .string(meta?.source ?? "unknown")),
            .init("model", .string(meta?.model.flatMap(Self.nonEmpty) ?? "unknown")),
            .init("title", .string(shownTitle)),
            .init("matched_role", "session_title"),
            .init("match_message_id", anchor.map { .int(Int($0)) } ?? .null),
            .init("snippet", .string("Session title matched: \(shownTitle)")),
            .init("bookend_start", .array(opening.map { Self.shape($0) })),
            .init("messages", .array(window.map { Self.shape($0, anchor: anchor) })),
            .init("bookend_end", .array(closing.map { Self.shape($0) })),
            .init("messages_before", .int(view?.window.before ?? 0)),
            .init("messages_after", .int(view?.window.after ?? max(messages.count - 5, 0))),
        ]
        if root != session { members.append(.init("parent_session_id", .string(root.rawValue))) }
        return (root, .object(members))
    }

    // MARK: - Shared

    /// The root of the chain of parents above `session`; where a read fails, the chain ends there.
    private func lineageRoot(of session: SessionID) async -> SessionID {
        var visited: Set<SessionID> = []
        var current = session
        while visited.insert(current).inserted {
            guard let found = try? await history.session(current), let parent = found.parentID else { break }
            current = parent
        }
        return current
    }

    private func sessionMeta(_ session: PastSession) -> PythonJSON {
        .object([
            "when": .string(format(session.startedAt)), "source": .string(session.source), "model": .optional(session.model),
            "title": .optional(session.title),
        ])
    }

    /// A message as the answers show it: content always (null for a tool-call-only turn), the
    /// tool fields only when set, and `anchor: true` on the anchor.
    static func shape(_ message: PastMessage, anchor: Int64? = nil) -> PythonJSON {
        var members: [PythonJSON.Member] = [
            .init("id", .int(Int(message.id))), .init("role", .string(message.role)), .init("content", .optional(message.content)),
            .init("timestamp", .double(message.timestamp)),
        ]
        if let name = message.toolName, !name.isEmpty { members.append(.init("tool_name", .string(name))) }
        if let calls = message.toolCalls { members.append(.init("tool_calls", PythonJSON(calls))) }
        if let id = message.toolCallID, !id.isEmpty { members.append(.init("tool_call_id", .string(id))) }
        if let anchor, message.id == anchor { members.append(.init("anchor", true)) }
        return .object(members)
    }

    /// Python's `datetime.fromtimestamp(ts).strftime("%B %d, %Y at %I:%M %p")`, in `timeZone`.
    func format(_ timestamp: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: timestamp))
        guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute
        else { return String(timestamp) }
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(months[month - 1]) \(two(day)), \(year) at \(two(twelve)):\(two(minute)) \(hour < 12 ? "AM" : "PM")"
    }

    /// Python's `int(value)` of an argument: whole numbers, and numeric strings.
    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number): number
        case .double(let number) where number.isFinite && abs(number) < 9.0e15: Int(number)
        case .string(let text): Int(trimmed(text))
        default: nil
        }
    }

    private static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
    private static func isBlank(_ text: String?) -> Bool { text.map { trimmed($0).isEmpty } ?? true }
    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
    private static func nonEmptyList<T>(_ items: [T]) -> [T]? { items.isEmpty ? nil : items }
}

extension PythonJSON.Member {
    init(_ key: String, _ value: PythonJSON) { self.init(key: key, value: value) }
}

extension PythonJSON {
    /// A string, or null.
    static func optional(_ text: String?) -> PythonJSON { text.map(PythonJSON.string) ?? .null }

    /// A parsed JSON value; object keys come out sorted, as `JSONValue` holds them.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(PythonJSON.init))
        case .object(let members): self = .object(members.sorted { $0.key < $1.key }.map { .init($0.key, PythonJSON($0.value)) })
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let self else { return nil }
        return await transform(self)
    }
}
