import Foundation
import HermesCore
import Testing

@testable import HermesGateway

@Suite struct ChatCompletionBodyTests {
    private func parse(_ json: String) throws(OpenAIError) -> ChatCompletionBody {
        try ChatCompletionBody(parsing: Data(json.utf8))
    }

    @Test func readsLikeThePythonServer() throws {
        let body = try parse(
            #"""
            {"model": "m", "stream": "true", "messages": [
              {"role": "system", "content": "be brief"},
              {"role": "user", "content": "first"},
              {"role": "assistant", "content": [{"type": "text", "text": "reply"}]},
              {"role": "tool", "content": "ignored"},
              {"role": "user", "content": "second"}]}
            """#)
        #expect(body.model == "m")
        #expect(body.stream)
        #expect(body.instructions == "be brief")
        #expect(body.input == "second")
        #expect(body.history == [.user("first"), .assistant("reply")])
        #expect(body.firstUserText == "first")
    }

    @Test(arguments: [
        ("{", "Invalid JSON"),
        ("[1]", "must be a JSON object"),
        (#"{"messages": []}"#, "'messages'"),
        (#"{"messages": "hi"}"#, "'messages'"),
        (#"{"messages": [{"role": "user", "content": "  "}]}"#, "No user message"),
        (#"{"messages": [{"role": "user", "content": 5}]}"#, "messages[0].content"),
        (#"{"model": 3, "messages": [{"role": "user", "content": "x"}]}"#, "'model'"),
    ])
    func refusesBadBodiesWithTheReason(json: String, expected: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            guard let error = error as? OpenAIError else { return false }
            return error.type == "invalid_request_error" && error.message.contains(expected)
        }
    }

    @Test func sessionIDsThatCouldEscapeADirectoryAreRefused() {
        #expect(OpenAIRoutes.isSafeSessionID("20261125_abc"))
        for bad in ["../x", "a/b", "a\\b", "C:", "a\nb", "x\u{0}"] {
            #expect(!OpenAIRoutes.isSafeSessionID(bad), "\(bad)")
        }
    }
}

extension ChatCompletionBodyTests {
    @Test("a body past the message or character bound is refused with its code")
    func bounds() {
        let body = Data(#"{"messages":[{"role":"user","content":"hello"},{"role":"user","content":"again"}]}"#.utf8)
        #expect(throws: Never.self) { try ChatCompletionBody(parsing: body, maxMessages: 2, maxCharacters: 10) }
        let many = #expect(throws: OpenAIError.self) { try ChatCompletionBody(parsing: body, maxMessages: 1) }
        #expect(many?.code == "too_many_messages")
        let long = #expect(throws: OpenAIError.self) { try ChatCompletionBody(parsing: body, maxCharacters: 9) }
        #expect(long?.code == "request_too_long")
    }
}
