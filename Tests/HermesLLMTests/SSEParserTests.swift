import HermesLLM
import NIOCore
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    func parse(_ pieces: [String]) -> (events: [ServerSentEvent], partial: Bool) {
        var parser = SSEParser()
        var events: [ServerSentEvent] = []
        for piece in pieces { parser.consume(ByteBuffer(string: piece)) { events.append($0) } }
        return (events, parser.hasPartialEvent)
    }

    @Test("events split anywhere across buffers come out whole")
    func splitAnywhere() {
        let stream = "data: {\"a\":1}\n\nevent: ping\ndata: x\n\ndata: [DONE]\n\n"
        let whole = parse([stream])
        #expect(whole.events.map(\.data) == ["{\"a\":1}", "x", "[DONE]"])
        #expect(whole.events[1].event == "ping")
        for cut in 1..<stream.count {
            let index = stream.index(stream.startIndex, offsetBy: cut)
            let split = parse([String(stream[..<index]), String(stream[index...])])
            #expect(split.events == whole.events, "cut at \(cut)")
        }
    }

    @Test("CRLF and CR line endings, comments and multi-line data")
    func lineEndings() {
        let result = parse([": keep-alive\r\ndata: one\r\ndata: two\r\n\r\ndata:three\r\r"])
        #expect(result.events.map(\.data) == ["one\ntwo", "three"])
        #expect(!result.partial)
    }

    @Test("a stream that stops mid-event reports a partial event")
    func partial() {
        #expect(parse(["data: {\"choices\": [{\"delta\": {\"content\": \"par"]).partial)
        #expect(parse(["data: complete\n"]).partial)
        #expect(!parse(["data: complete\n\n"]).partial)
    }
}
