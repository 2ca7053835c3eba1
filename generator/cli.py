"""The ``disclose`` command line: one click group, thin commands."""

from __future__ import annotations

import sys

import click

from . import __version__
from .clizh import install, short_help
from .errors import UserError

install()


class Command(click.Command):
    """A subcommand with Chinese usage pieces."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        if self.help and not self.short_help:
            self.short_help = short_help(self.help)


class Group(click.Group):
    """Turns UserError into a Chinese message and an exit code, never a traceback."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):  # type: ignore[override]
        """Usage errors in Chinese (click's own frame is English), exit code 2."""
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "disclose"
            click.echo(f"用法错误：{exc.format_message()}\n（运行“{command} --help”查看用法）", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中断。", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)


CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(cls=Group, context_settings=CONTEXT, help="部门预算公开生成器：一份 YAML，自动推导全部数字，生成 DOCX 与 PDF。")
@click.version_option(__version__, "-V", "--version", message="disclose %(version)s", help="显示版本号并退出。")
def main() -> None:
    pass


def _register() -> None:
    from .commands import build, check, controls, formats, new, schema, serve  # noqa: F401


_register()
