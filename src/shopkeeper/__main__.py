from shopkeeper.cli import main

main()
