import HermesTools
import Testing

@testable import HermesAgent

@Suite("tool results handed to the model")
struct ToolResultBoundTests {
    @Test("a result past the bound keeps its head and tail and says how much of the middle was dropped")
    func bounded() {
        let executor = ToolExecutor(registry: .builtIn(), enabled: [], maxResultCharacters: 1_000)
        #expect(executor.bounded("short") == "short")
        let long = String(repeating: "h", count: 3_000) + String(repeating: "t", count: 3_000)
        let cut = executor.bounded(long)
        #expect(cut.hasPrefix(String(repeating: "h", count: 700)) && cut.hasSuffix(String(repeating: "t", count: 300)))
        #expect(cut.contains("5000 characters of this tool result dropped: it was 6000 characters"))
        #expect(cut.count < 1_200)
    }
}
