import HermesCore
import Testing

@Suite("Durations and ids")
struct DurationAndIDTests {
    @Test(
        "durations with units parse",
        arguments: [
            ("500us", Duration.microseconds(500)), ("40ms", .milliseconds(40)), ("2s", .seconds(2)),
            ("1.5s", .milliseconds(1500)), ("1m", .seconds(60)), ("250ns", .nanoseconds(250)),
        ])
    func parses(text: String, expected: Duration) {
        #expect(Duration(parsing: text) == expected)
    }

    @Test("bare numbers, unknown units and negatives are refused", arguments: ["40", "5 parsecs", "-1s", "ms", ""])
    func refuses(text: String) {
        #expect(Duration(parsing: text) == nil)
    }

    @Test("short descriptions")
    func describes() {
        #expect(Duration.milliseconds(40).shortDescription == "40ms")
        #expect(Duration.milliseconds(2500).shortDescription == "2.5s")
        #expect(Duration.microseconds(850).shortDescription == "850us")
    }

    @Test("new session ids follow the state.db format")
    func sessionID() {
        var generator = SystemRandomNumberGenerator()
        let id = SessionID.generate(at: 1_743_345_912, using: &generator)  // 2025-03-30T14:45:12Z
        #expect(id.rawValue.hasPrefix("20250330_144512_"))
        #expect(id.rawValue.count == "20250330_144512_abcdef".count)
        #expect(UTCTimestamp(secondsSince1970: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(UTCTimestamp(secondsSince1970: 951_782_400).iso8601 == "2000-02-29T00:00:00Z")
    }
}
