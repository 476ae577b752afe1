import { BarChart, DonutChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAccounts, useBots, useStats } from '../../api/queries';
import { QueryState } from '../../components/QueryState';
import { INTEGRATION_LABELS } from '../../components/format';
import { perDay, perIntegration, sessionHealth, totals } from './aggregate';

function Figure({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <Card withBorder>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} c={tone} data-testid={`figure-${label}`}>
        {value}
      </Text>
    </Card>
  );
}

export function StatsPage() {
  const [days, setDays] = useState('14');
  const stats = useStats(Number(days));
  const accounts = useAccounts();
  const bots = useBots();
  const health = sessionHealth(accounts.data?.items ?? [], bots.data?.items ?? []);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Statistics</Title>
        <SegmentedControl
          aria-label="Period"
          value={days}
          onChange={setDays}
          data={[
            { value: '7', label: '7 days' },
            { value: '14', label: '14 days' },
            { value: '30', label: '30 days' },
          ]}
        />
      </Group>
      <QueryState query={stats} isEmpty={() => false} empty={{ title: '', hint: '' }}>
        {(data) => {
          const sum = totals(data);
          return (
            <>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Figure label="Sent" value={String(sum.sent)} />
                <Figure label="Failed" value={String(sum.failed)} tone={sum.failed > 0 ? 'red' : undefined} />
                <Figure label="Failure rate" value={`${(sum.failureRate * 100).toFixed(1)} %`} />
              </SimpleGrid>
              <Card withBorder>
                <Title order={3} size="h4" mb="sm">
                  Messages per day
                </Title>
                <BarChart
                  h={260}
                  data={perDay(data)}
                  dataKey="date"
                  type="stacked"
                  series={[
                    { name: 'sent', label: 'Sent', color: 'teal.6' },
                    { name: 'failed', label: 'Failed', color: 'red.6' },
                    { name: 'received', label: 'Received', color: 'blue.4' },
                  ]}
                  withLegend
                  tickLine="y"
                  xAxisProps={{ tickFormatter: (value: string) => value.slice(5) }}
                  aria-label="Messages sent, failed and received per day"
                />
              </Card>
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <Card withBorder>
                  <Title order={3} size="h4" mb="sm">
                    By integration
                  </Title>
                  {data.days.length === 0 ? (
                    <Text c="dimmed">No messages in this period.</Text>
                  ) : (
                    <BarChart
                      h={220}
                      data={perIntegration(data, INTEGRATION_LABELS)}
                      dataKey="integration"
                      series={[
                        { name: 'sent', label: 'Sent', color: 'teal.6' },
                        { name: 'failed', label: 'Failed', color: 'red.6' },
                      ]}
                      withLegend
                      aria-label="Messages sent and failed per integration"
                    />
                  )}
                </Card>
                <Card withBorder>
                  <Title order={3} size="h4" mb="sm">
                    Session health
                  </Title>
                  {health.length === 0 ? (
                    <Text c="dimmed">No accounts or bots connected.</Text>
                  ) : (
                    <Group>
                      <DonutChart
                        data={health}
                        withLabels
                        withTooltip
                        aria-label="Accounts and bots by status"
                      />
                      <Stack gap={4}>
                        {health.map((slice) => (
                          <Text key={slice.name} size="sm">
                            {slice.name}: {slice.value}
                          </Text>
                        ))}
                      </Stack>
                    </Group>
                  )}
                </Card>
              </SimpleGrid>
            </>
          );
        }}
      </QueryState>
    </Stack>
  );
}
