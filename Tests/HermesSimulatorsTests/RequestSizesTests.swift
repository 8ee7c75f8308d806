import AsyncHTTPClient
import Foundation
import HermesCore
import NIOCore
import NIOHTTP1
import Testing

@testable import HermesSimulators

/// What the simulator counts of each request's size: the system prompt's bytes, and the `tools`
/// JSON as it was sent, found by a scan of the body.
@Suite struct RequestSizesTests {
    func length(_ json: String, _ name: StaticString = "tools") -> Int? {
        Array(json.utf8).withUnsafeBytes { RequestSizes.memberLength(name, in: $0) }
    }

    @Test("the member's value is measured as written, whatever comes before and after it, and strings hide brackets")
    func memberLength() {
        let tools = #"[{"type":"function","function":{"name":"a","description":"} ] { [ \" quoted","parameters":{}}}]"#
        #expect(length(#"{"model":"m","messages":[{"role":"user","content":"tools"}],"tools":\#(tools),"stream":true}"#) == tools.utf8.count)
        #expect(length(#"{ "tools" : \#(tools) }"#) == tools.utf8.count)
        #expect(length(#"{"stream":false,"max_tokens":12,"tools":[]}"#) == 2)
        #expect(length(#"{"stream":true}"#) == nil)
        #expect(length(#"{"stream":true,"max_tokens":12}"#, "max_tokens") == 2)
        #expect(length(#"["tools"]"#) == nil)
        #expect(length(#"{"tools":[1,2"#) == nil, "a body cut short has no length")
    }

    @Test("a served request adds its system prompt and tool schema bytes to the counters")
    func countedOverHTTP() async throws {
        let simulator = LLMSimulator(config: LLMSimulatorConfig())
        let body =
            #"{"model":"m","messages":[{"role":"system","content":"Über"},{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"x","description":"","parameters":{"type":"object"}}}]}"#
        try await simulator.withServer { baseURL in
            var request = HTTPClientRequest(url: baseURL + "/chat/completions")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .ok)
        }
        let stats = simulator.stats()
        #expect(stats.systemPromptBytes == "Über".utf8.count)
        #expect(stats.toolSchemaBytes == #"[{"type":"function","function":{"name":"x","description":"","parameters":{"type":"object"}}}]"#.utf8.count)
    }
}
