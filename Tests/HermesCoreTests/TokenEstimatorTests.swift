import HermesCore
import Testing

@Suite("Token estimation")
struct TokenEstimatorTests {
    // The opening of the performance analysis this project started from: 62 words of English
    // prose. BPE tokenizers spend 1.2–1.5 tokens per English word on such text.
    static let prose = """
        The codebase exhibits severe performance bottlenecks across multiple dimensions. The monolithic \
        architecture, excessive synchronous I/O, lack of caching, and inefficient algorithms result in \
        significant performance degradation under load. Critical issues found: 113 lock primitives, 482 \
        sleep calls, 1,516 JSON serialization calls, an 8,317-line run_agent.py that is slow to import, and \
        synchronous HTTP requests in async contexts, which block the event loop.
        """

    @Test("English prose is estimated within the range real tokenizers give")
    func prose() {
        let words = Self.prose.split(whereSeparator: \.isWhitespace).count
        let estimate = TokenEstimator().tokens(in: Self.prose)
        #expect(estimate >= words)
        #expect(estimate <= words * 2)
    }

    @Test("the estimate is bytes over four, rounded up")
    func rule() {
        let estimator = TokenEstimator()
        #expect(estimator.tokens(in: "") == 0)
        #expect(estimator.tokens(in: "abcd") == 1)
        #expect(estimator.tokens(in: "abcde") == 2)
        #expect(estimator.tokens(in: "日本語") == 3)  // 9 bytes: CJK errs on the high side
    }

    @Test("messages add framing and tool calls")
    func messages() {
        let estimator = TokenEstimator()
        let plain = estimator.tokens(in: Message.user("abcd"))
        #expect(plain == 1 + estimator.perMessageOverhead)
        let withCall = Message.assistant(nil, toolCalls: [ToolCall(id: "1", name: "todo", arguments: "{}")])
        #expect(estimator.tokens(in: withCall) > estimator.perMessageOverhead)
        #expect(estimator.tokens(in: [Message.user("abcd"), .user("abcd")]) == 2 * plain)
    }
}
