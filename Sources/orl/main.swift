// The `orl` executable: every command lives in the ORLCommandLine library, so tests can parse
// and run the same commands.
import ORLCommandLine

ORL.main()
