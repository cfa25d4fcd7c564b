<?php

declare(strict_types=1);

namespace Vibe\Observability;

use Monolog\Formatter\FormatterInterface;
use Monolog\LogRecord;

/**
 * One JSON object per line: {"time": ISO 8601, "level": "INFO", "msg": ..., context fields..., "channel": ...}.
 */
final class JsonLineFormatter implements FormatterInterface
{
    public function format(LogRecord $record): string
    {
        $line = [
            'time' => $record->datetime->format(\DateTimeInterface::RFC3339_EXTENDED),
            'level' => $record->level->getName(),
            'msg' => $record->message,
        ];
        foreach ($record->context as $key => $value) {
            if (!array_key_exists($key, $line)) {
                $line[$key] = self::normalize($value);
            }
        }
        $line['channel'] = $record->channel;
        $json = json_encode($line, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE
            | JSON_PARTIAL_OUTPUT_ON_ERROR);
        return ($json === false ? '{"level":"ERROR","msg":"log line not encodable"}' : $json) . "\n";
    }

    public function formatBatch(array $records): string
    {
        return implode('', array_map(fn (LogRecord $record): string => $this->format($record), $records));
    }

    private static function normalize(mixed $value, int $depth = 0): mixed
    {
        if ($depth > 5) {
            return '...';
        }
        if (is_array($value)) {
            return array_map(static fn (mixed $v): mixed => self::normalize($v, $depth + 1), $value);
        }
        if ($value instanceof \Throwable) {
            return ['class' => $value::class, 'message' => $value->getMessage(),
                'file' => $value->getFile() . ':' . $value->getLine()];
        }
        if ($value instanceof \DateTimeInterface) {
            return $value->format(\DateTimeInterface::RFC3339_EXTENDED);
        }
        if ($value instanceof \JsonSerializable) {
            return $value->jsonSerialize();
        }
        if (is_object($value)) {
            return method_exists($value, '__toString') ? (string) $value : '[object ' . $value::class . ']';
        }
        return is_resource($value) ? '[resource]' : $value;
    }
}
