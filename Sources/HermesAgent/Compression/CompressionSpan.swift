import HermesCore

/// Which messages of a history a compression replaces: everything between a protected head and
/// a recent tail sized by tokens, as the Python project chooses them. A tool call is never
/// separated from its results, and the latest user and assistant messages stay in the tail.
enum CompressionSpan {
    /// The range of `messages` (a history without its system prompt) to summarise, or nil when
    /// there is too little between head and tail to be worth it.
    static func find(
        in messages: [Message], settings: CompressionSettings, compressedBefore: Bool,
        estimator: TokenEstimator = TokenEstimator()
    ) -> Range<Int>? {
        let count = messages.count
        let headEnd = alignForward(messages, compressedBefore ? 0 : min(settings.protectFirst, count))
        // Head, at least three tail messages, and something in between.
        guard count > headEnd + 4 else { return nil }
        let tailStart = tailCut(messages, headEnd: headEnd, settings: settings, estimator: estimator)
        guard headEnd < tailStart, tailStart <= count else { return nil }
        return headEnd..<tailStart
    }

    /// Walks back from the end, keeping messages until the tail's budget (half again, so one big
    /// message at the edge is not cut off) is spent; always keeps a short run of recent messages,
    /// always leaves something to summarise.
    static func tailCut(
        _ messages: [Message], headEnd: Int, settings: CompressionSettings, estimator: TokenEstimator
    ) -> Int {
        let count = messages.count
        let budget = settings.tailTokenBudget
        let available = max(0, count - headEnd - 1)
        let floor = max(3, min(settings.protectLast, 8))
        let minimumTail = available > 1 ? min(floor, max(3, available - 2), available) : 0

        func walk(limit: Int) -> Int {
            var kept = 0
            var cut = count
            for index in stride(from: count - 1, through: headEnd, by: -1) {
                let tokens = estimator.tokens(in: messages[index])
                if kept + tokens > limit, count - index > minimumTail { break }
                kept += tokens
                cut = index
            }
            return cut
        }
        var cut = walk(limit: budget + budget / 2)
        // Everything fits the loose budget: cut by the strict one, so there is a middle to summarise.
        if cut <= headEnd { cut = walk(limit: budget) }
        cut = min(cut, count - minimumTail)
        if cut <= headEnd { cut = max(count - minimumTail, headEnd + 1) }
        cut = alignBackward(messages, cut)
        cut = keepInTail(messages, role: .user, cut: cut, headEnd: headEnd)
        cut = keepInTail(messages, role: .assistant, cut: cut, headEnd: headEnd)
        // The floor guarantees progress; re-align forward so a raised cut never splits a group.
        return alignForward(messages, max(cut, headEnd + 1))
    }

    /// Moves a start boundary past tool results, so a span never begins inside a call's results.
    static func alignForward(_ messages: [Message], _ index: Int) -> Int {
        var index = index
        while index < messages.count, messages[index].role == .tool { index += 1 }
        return index
    }

    /// Moves an end boundary before the assistant message whose results it would split from it.
    static func alignBackward(_ messages: [Message], _ index: Int) -> Int {
        guard index > 0, index < messages.count else { return index }
        var check = index - 1
        while check >= 0, messages[check].role == .tool { check -= 1 }
        if check >= 0, messages[check].role == .assistant, !messages[check].toolCalls.isEmpty { return check }
        return index
    }

    /// Pulls the cut back so the last message of `role` is in the tail.
    private static func keepInTail(_ messages: [Message], role: Role, cut: Int, headEnd: Int) -> Int {
        guard let last = messages.indices.last(where: { $0 >= headEnd && messages[$0].role == role }), last < cut
        else { return cut }
        return max(alignBackward(messages, last), headEnd + 1)
    }
}
