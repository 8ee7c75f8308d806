import Foundation
import HermesCore
import Testing

@testable import HermesTools

@Suite("session_search: registration and answers")
struct SessionSearchToolTests {
    @Test("the platforms whose Python toolsets list session_search get it; a webhook does not")
    func platformToolsets() {
        let registry = ToolRegistry.builtIn()
        for platform in ["hermes-cli", "hermes-api-server", "hermes-telegram"] {
            #expect(registry.plainToolsets([platform]).contains("session_search"), "\(platform)")
        }
        #expect(!registry.plainToolsets(["hermes-webhook"]).contains("session_search"))
        // Its schema is compared with Python's by ToolSchemaFixtureTests.
        #expect(registry.tools(inToolset: "session_search") == ["session_search"])
    }

    @Test("without a session store the tool says what Python says when its database cannot be opened")
    func noStore() async throws {
        let context = ToolContext(sessionID: SessionID("s1"), workingDirectory: "/tmp")
        let answer = try await SessionSearchTool().run(["query": "docker"], context: context)
        #expect(answer == #"{"error": "Session database not available.", "success": false}"#)
    }

    @Test("dates read as Python's strftime(\"%B %d, %Y at %I:%M %p\") in the given zone")
    func dates() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let search = SessionSearch(history: EmptyHistory(), currentSession: nil, timeZone: utc)
        #expect(search.format(1_750_000_000) == "June 15, 2025 at 03:06 PM")
        #expect(search.format(0) == "January 01, 1970 at 12:00 AM")
        #expect(search.format(43_200) == "January 01, 1970 at 12:00 PM")
    }

    @Test("another profile's sessions are refused, saying why; the current profile's are read")
    func profiles() async throws {
        let search = SessionSearch(history: EmptyHistory(), currentSession: nil)
        let refused = await search.answer(["session_id": "work/20250101_000000_abcd"])
        #expect(refused.hasPrefix(#"{"error": "profile 'work': this build reads the current profile's sessions only (default)"#))
        #expect(refused.hasSuffix(#", "success": false}"#))
        let own = await search.answer(["session_id": "s_missing", "profile": "Default"])
        #expect(own == #"{"error": "session_id not found: s_missing", "success": false}"#)
    }
}

/// A history with no sessions.
private struct EmptyHistory: SessionHistory {
    var profile: String { "default" }
    func session(_ id: SessionID) async throws -> PastSession? { nil }
    func messages(in session: SessionID) async throws -> [PastMessage] { [] }
    func messages(around anchor: Int64, in session: SessionID, window: Int) async throws -> PastWindow { PastWindow() }
    func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) async throws -> PastAnchoredView {
        PastAnchoredView()
    }
    func sessionID(titled title: String) async throws -> SessionID? { nil }
    func sessionID(owningMessage id: Int64) async throws -> SessionID? { nil }
    func search(_ query: PastSearch) async throws -> [PastMatch] { [] }
    func recentSessions(excludingSources sources: [String], limit: Int) async throws -> [PastSession] { [] }
}
