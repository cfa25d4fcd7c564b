<?php

// The management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown.
// Serve this script on that port, e.g. php -S 0.0.0.0:{{ ports.mgmt }} observability/mgmt.php
// (or a php-fpm pool / nginx server block listening on {{ ports.mgmt }} with this script as its only entry).

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

Vibe\Observability\VibeObservability::handleManagementRequest();
