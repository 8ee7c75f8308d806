import Foundation
import HermesCore
import Testing

@Suite("OpenAI wire format")
struct MessageCodingTests {
    @Test("an assistant message with tool calls round-trips in the chat-completions shape")
    func assistantRoundTrip() throws {
        let message = Message.assistant(nil, toolCalls: [ToolCall(id: "call_1", name: "read_file", arguments: #"{"path":"a"}"#)])
        let data = try JSONEncoder().encode(message)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["role"] as? String == "assistant")
        #expect(object["content"] is NSNull)
        let calls = try #require(object["tool_calls"] as? [[String: Any]])
        #expect(calls.first?["type"] as? String == "function")
        let function = try #require(calls.first?["function"] as? [String: Any])
        #expect(function["name"] as? String == "read_file")
        #expect(function["arguments"] as? String == #"{"path":"a"}"#)
        #expect(try JSONDecoder().decode(Message.self, from: data) == message)
    }

    @Test("a tool result carries tool_call_id")
    func toolResult() throws {
        let json = #"{"role":"tool","tool_call_id":"call_9","content":"done"}"#
        let message = try JSONDecoder().decode(Message.self, from: Data(json.utf8))
        #expect(message == .tool(callID: "call_9", content: "done"))
    }

    @Test("content given as text parts is joined")
    func contentParts() throws {
        let json = #"{"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url"},{"type":"text","text":"world"}]}"#
        let message = try JSONDecoder().decode(Message.self, from: Data(json.utf8))
        #expect(message.content == "hello\nworld")
    }

    @Test("content of another type is an error, not a crash")
    func badContent() {
        let json = #"{"role":"user","content":42}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Message.self, from: Data(json.utf8)) }
    }

    @Test("a tool spec encodes as a function tool")
    func toolSpec() throws {
        let spec = ToolSpec(name: "x", description: "d", parameters: ["type": "object", "properties": [:]])
        let text = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(text.contains(#""type":"function""#))
        #expect(try JSONDecoder().decode(ToolSpec.self, from: Data(text.utf8)) == spec)
    }

    @Test("usage reads snake_case keys and totals")
    func usage() throws {
        let usage = try JSONDecoder().decode(
            Usage.self, from: Data(#"{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}"#.utf8))
        #expect(usage.totalTokens == 15)
        #expect((usage + usage).promptTokens == 20)
    }

    @Test("JSONValue keeps integers and reports syntax errors")
    func jsonValue() throws {
        let value = try JSONValue(parsing: #"{"limit": 5, "ratio": 0.5, "tags": ["a"], "on": true, "none": null}"#)
        #expect(value["limit"] == .int(5))
        #expect(value["ratio"] == .double(0.5))
        #expect(value.jsonText == #"{"limit":5,"none":null,"on":true,"ratio":0.5,"tags":["a"]}"#)
        #expect(throws: HermesCoreError.self) { try JSONValue(parsing: #"{"a": "#) }
    }
}
