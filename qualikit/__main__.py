from qualikit.cli import main

main()
