from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.people.models import ApiToken, User


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args: object, **options: str) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {options['username']!r}.") from None
        _token, raw = ApiToken.issue(user, options["name"])
        self.stdout.write(raw)
