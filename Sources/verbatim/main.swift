import VerbatimCLI

VerbatimCommand.main()
