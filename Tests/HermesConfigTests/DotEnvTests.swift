import HermesConfig
import Testing

/// `.env` files read by python-dotenv's rules, which a Python user's file was written for.
@Suite struct DotEnvTests {
    private func values(_ text: String, environment: [String: String] = [:]) -> [String: String] {
        Dictionary(DotEnv(parsing: text, environment: environment).values, uniquingKeysWith: { $1 })
    }

    @Test("KEY=value lines, export, comments, spaces and quotes as python-dotenv reads them")
    func assignments() {
        let file = values(
            """
            # a comment
            OPENROUTER_API_KEY=sk-or-1
            export TERMINAL_TIMEOUT=55 # seconds
            SPACED = value with spaces   
            HASH=a#b
            SINGLE='it\\'s $HOME \\n'
            DOUBLE="line\\nnext \\"quoted\\""
            MULTI="first
            second"
            EMPTY=
            'QUOTED_KEY'=q
            """)
        #expect(file["OPENROUTER_API_KEY"] == "sk-or-1")
        #expect(file["TERMINAL_TIMEOUT"] == "55", "a space then # starts a comment")
        #expect(file["SPACED"] == "value with spaces")
        #expect(file["HASH"] == "a#b", "a # inside a word is kept")
        #expect(file["SINGLE"] == "it's $HOME \\n", "single quotes escape only \\\\ and \\'; a bare $NAME stays")
        #expect(file["DOUBLE"] == "line\nnext \"quoted\"")
        #expect(file["MULTI"] == "first\nsecond")
        #expect(file["EMPTY"] == "" && file["QUOTED_KEY"] == "q")
    }

    @Test("${NAME} and ${NAME:-default} come from the keys above, then the environment; an unset one is empty")
    func interpolation() {
        let file = values(
            """
            BASE=http://127.0.0.1:8000
            URL=${BASE}/v1
            HOME_DIR=${HOME}
            MISSING=[${NOPE}]
            FALLBACK=${NOPE:-fallback}
            QUOTED='${BASE}'
            """, environment: ["HOME": "/home/u", "BASE": "ignored"])
        #expect(file["URL"] == "http://127.0.0.1:8000/v1", "with override, the file's own keys win")
        #expect(file["HOME_DIR"] == "/home/u" && file["MISSING"] == "[]" && file["FALLBACK"] == "fallback")
        #expect(file["QUOTED"] == "http://127.0.0.1:8000", "python-dotenv interpolates single-quoted values too")
    }

    @Test("a line that cannot be read is reported by number and skipped; the lines after it still count")
    func problems() {
        let file = DotEnv(parsing: "GOOD=1\nBAD LINE\nOPEN=\"never closed\nAFTER=2\nKEY_ONLY\nLAST=3\r\n")
        #expect(file.problems.map(\.line) == [2, 3], "\(file.problems)")
        #expect(file.problems[0].message == "expected KEY=value after BAD")
        #expect(file.problems[1].message.contains("opens a quote on line 3 that is never closed"))
        #expect(Dictionary(file.values, uniquingKeysWith: { $1 }) == ["GOOD": "1", "AFTER": "2", "LAST": "3"])
    }

    @Test("applied over an environment, the file wins, as Hermes loads its .env with override")
    func applied() {
        let file = DotEnv(parsing: "MODEL=from-file\nMODEL=later")
        #expect(file.applied(to: ["MODEL": "from-shell", "OTHER": "x"]) == ["MODEL": "later", "OTHER": "x"])
    }
}
